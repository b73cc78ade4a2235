package breaker

import (
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }
func want(t *testing.T, b *Breaker, s State) {
	t.Helper()
	if got := b.State(); got != s {
		t.Fatalf("state %s, want %s", got, s)
	}
}

func TestOpensAfterConsecutiveFailures(t *testing.T) {
	t.Parallel()
	c := newClock()
	b := New(Config{Failures: 3, Cooldown: time.Minute, Now: c.now})
	b.Record(false)
	b.Record(false)
	b.Record(true) // a success in between resets the count
	b.Record(false)
	b.Record(false)
	want(t, b, Closed)
	b.Record(false)
	want(t, b, Open)
	if b.Allow() || b.Available() {
		t.Fatal("open breaker lets requests through")
	}
	c.add(59 * time.Second)
	want(t, b, Open)
	c.add(time.Second)
	want(t, b, HalfOpen)
	if !b.Available() || !b.Allow() {
		t.Fatal("half-open breaker refuses its probe")
	}
	if b.Available() || b.Allow() {
		t.Fatal("half-open breaker lets a second probe through")
	}
	b.Record(true)
	want(t, b, Closed)
	// Allow is asked twice on purpose: a closed breaker admits every call, not only one probe.
	first, second := b.Allow(), b.Allow()
	if !first || !second {
		t.Fatal("closed breaker refuses")
	}
}

func TestFailedProbeReopens(t *testing.T) {
	t.Parallel()
	c := newClock()
	b := New(Config{Failures: 1, Cooldown: time.Minute, Now: c.now})
	b.Record(false)
	want(t, b, Open)
	c.add(time.Minute)
	if !b.Allow() {
		t.Fatal("no probe")
	}
	b.Record(false)
	want(t, b, Open)
	c.add(30 * time.Second)
	want(t, b, Open) // the cool-down starts again from the failed probe
	c.add(30 * time.Second)
	want(t, b, HalfOpen)
}

func TestLostProbeIsReplaced(t *testing.T) {
	t.Parallel()
	c := newClock()
	b := New(Config{Failures: 1, Cooldown: time.Minute, Now: c.now})
	b.Record(false)
	c.add(time.Minute)
	if !b.Allow() {
		t.Fatal("no probe")
	}
	// The probe's caller never records (it crashed); after another cool-down a new probe may go.
	c.add(time.Minute)
	if !b.Allow() {
		t.Fatal("lost probe blocks the supplier forever")
	}
}
