package checkid_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/checkid"
)

// fake is a provider with a fixed answer, counting its calls; block makes it hang until its
// context ends (a provider that timed out).
type fake struct {
	name  string
	r     checkid.Result
	err   error
	block bool
	calls atomic.Int32
}

func (f *fake) Name() string { return f.name }
func (f *fake) Check(ctx context.Context, _, d string) (checkid.Result, error) {
	f.calls.Add(1)
	if f.block {
		<-ctx.Done()
		return checkid.Result{}, ctx.Err()
	}
	return f.r, f.err
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestFailoverTimeoutAndCache(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)}
	slow := &fake{name: "slow", block: true}
	down := &fake{name: "down", err: errors.New("connection refused")}
	good := &fake{name: "good", r: checkid.Result{Valid: true, Nickname: "Budi"}}
	c := checkid.New(checkid.Options{Timeout: 50 * time.Millisecond, Now: clk.now, Burst: 100}, slow, down, good)
	r, err := c.Check(context.Background(), "shop", "mobile-legends", " 12345678(1234) ")
	if err != nil || !r.Valid || r.Nickname != "Budi" || r.Provider != "good" || r.Destination != "12345678(1234)" {
		t.Fatalf("check %+v %v", r, err)
	}
	if slow.calls.Load() != 1 || down.calls.Load() != 1 {
		t.Fatalf("providers asked %d %d", slow.calls.Load(), down.calls.Load())
	}
	// Cached for a day: no provider is asked again.
	clk.t = clk.t.Add(23 * time.Hour)
	if r, _ := c.Check(context.Background(), "shop", "mobile-legends", "12345678(1234)"); r.Nickname != "Budi" || good.calls.Load() != 1 {
		t.Fatalf("cached answer %+v after %d calls", r, good.calls.Load())
	}
	clk.t = clk.t.Add(2 * time.Hour)
	if _, _ = c.Check(context.Background(), "shop", "mobile-legends", "12345678(1234)"); good.calls.Load() != 2 {
		t.Fatalf("a day-old answer was not asked again: %d calls", good.calls.Load())
	}
}

func TestInvalidIsFinalAndCachedTenMinutes(t *testing.T) {
	clk := &clock{t: time.Now()}
	no := &fake{name: "no", r: checkid.Result{Valid: false}}
	yes := &fake{name: "yes", r: checkid.Result{Valid: true, Nickname: "X"}}
	c := checkid.New(checkid.Options{Now: clk.now, Burst: 100}, no, yes)
	if r, err := c.Check(context.Background(), "a", "ff", "1"); err != nil || r.Valid {
		t.Fatalf("%+v %v", r, err)
	}
	if yes.calls.Load() != 0 {
		t.Fatal("a definite invalid answer was asked of the next provider")
	}
	clk.t = clk.t.Add(9 * time.Minute)
	c.Check(context.Background(), "a", "ff", "1")
	if no.calls.Load() != 1 {
		t.Fatal("invalid answer not cached")
	}
	clk.t = clk.t.Add(2 * time.Minute)
	c.Check(context.Background(), "a", "ff", "1")
	if no.calls.Load() != 2 {
		t.Fatal("invalid answer cached past ten minutes")
	}
}

func TestNoAnswerAndRateLimit(t *testing.T) {
	down := &fake{name: "down", err: checkid.ErrUnsupported}
	c := checkid.New(checkid.Options{Burst: 2, Rate: 0.001}, down)
	if _, err := c.Check(context.Background(), "a", "g", "1"); !errors.Is(err, checkid.ErrNoAnswer) {
		t.Fatalf("no provider: %v", err)
	}
	c.Check(context.Background(), "a", "g", "2")
	if _, err := c.Check(context.Background(), "a", "g", "3"); !errors.Is(err, checkid.ErrRateLimited) {
		t.Fatalf("third check in a burst of 2: %v", err)
	}
	if _, err := c.Check(context.Background(), "b", "g", "3"); errors.Is(err, checkid.ErrRateLimited) {
		t.Fatal("another caller was limited")
	}
}

func TestSimulator(t *testing.T) {
	c := checkid.New(checkid.Options{Burst: 100}, checkid.Simulator{})
	a, err := c.Check(context.Background(), "x", "mobile-legends", "12345678(1234)")
	if err != nil || !a.Valid || a.Nickname == "" {
		t.Fatalf("%+v %v", a, err)
	}
	b, _ := checkid.Simulator{}.Check(context.Background(), "mobile-legends", "12345678(1234)")
	if b.Nickname != a.Nickname {
		t.Fatalf("not deterministic: %q %q", a.Nickname, b.Nickname)
	}
	if r, _ := c.Check(context.Background(), "x", "mobile-legends", "12340000(1234)"); r.Valid {
		t.Fatal("an ID ending in 0000 exists")
	}
}
