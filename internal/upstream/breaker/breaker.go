// Package breaker is a circuit breaker for one upstream supplier: after enough consecutive
// failures it opens and the supplier is taken out of rotation for a cool-down; then one probe is
// let through (half-open), whose outcome closes the circuit again or reopens it.
package breaker

import (
	"sync"
	"time"
)

// State of a breaker.
type State string

const (
	Closed   State = "closed"    // in rotation
	Open     State = "open"      // out of rotation until the cool-down ends
	HalfOpen State = "half-open" // cool-down over: one probe may go
)

// Config tunes a breaker.
type Config struct {
	// Failures is how many consecutive failures open the circuit; 0 means 5.
	Failures int
	// Cooldown is how long an open circuit stays open before a probe; 0 means 30 s.
	Cooldown time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Breaker is safe for concurrent use.
type Breaker struct {
	cfg      Config
	mu       sync.Mutex
	state    State
	fails    int
	openedAt time.Time
	probeAt  time.Time // when the half-open probe went; zero when none is out
}

// New returns a closed breaker.
func New(cfg Config) *Breaker {
	if cfg.Failures <= 0 {
		cfg.Failures = 5
	}
	if cfg.Cooldown <= 0 {
		cfg.Cooldown = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Breaker{cfg: cfg, state: Closed}
}

// State reports the breaker's state, moving an open circuit whose cool-down is over to half-open.
func (b *Breaker) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	return b.state
}

func (b *Breaker) tick() {
	if b.state == Open && !b.cfg.Now().Before(b.openedAt.Add(b.cfg.Cooldown)) {
		b.state, b.probeAt = HalfOpen, time.Time{}
	}
}

// Available reports whether the supplier may be offered work: the circuit is closed, or
// half-open with no probe out. It takes nothing; Allow does.
func (b *Breaker) Available() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	return b.state == Closed || (b.state == HalfOpen && b.probeFree())
}

// probeFree: no probe is out, or the one out has been gone a whole cool-down (its caller died
// without recording) and another may go.
func (b *Breaker) probeFree() bool {
	return b.probeAt.IsZero() || !b.cfg.Now().Before(b.probeAt.Add(b.cfg.Cooldown))
}

// Allow asks to send a request. Closed: yes. Half-open: yes for one probe at a time. Open: no.
// A caller that was allowed must Record the outcome.
func (b *Breaker) Allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	switch b.state {
	case Closed:
		return true
	case HalfOpen:
		if b.probeFree() {
			b.probeAt = b.cfg.Now()
			return true
		}
	}
	return false
}

// Record notes an outcome: ok for an answer that shows the supplier working (a success, a
// pending, a definite refusal of the order itself), not ok for a failure of the supplier (no
// answer, an unknown outcome, a 5xx).
func (b *Breaker) Record(ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	if ok {
		b.state, b.fails, b.probeAt = Closed, 0, time.Time{}
		return
	}
	b.fails++
	if b.state == HalfOpen || b.fails >= b.cfg.Failures {
		b.state, b.openedAt, b.probeAt = Open, b.cfg.Now(), time.Time{}
	}
}
