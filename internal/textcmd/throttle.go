package textcmd

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Throttle bounds how many messages one sender may have run: Rate a second, Burst at once.
type Throttle struct {
	Rate  float64
	Burst int
	// RefuseEvery is how often an unbound sender is told it is not registered (once, then
	// silence until this much time has passed), so the channel cannot be used to flood anyone.
	RefuseEvery time.Duration
}

// DefaultThrottle: a person typing never meets it; a script looping on the channel does.
var DefaultThrottle = Throttle{Rate: 1, Burst: 10, RefuseEvery: 10 * time.Minute}

// gate holds the per-sender limiters. It forgets senders idle for a while, so it stays small.
type gate struct {
	t   Throttle
	now func() time.Time

	mu      sync.Mutex
	senders map[string]*sender
	swept   time.Time
}

type sender struct {
	lim     *rate.Limiter
	seen    time.Time
	refused time.Time // when an unbound sender was last answered
}

func newGate(t Throttle, now func() time.Time) *gate {
	if t.Rate <= 0 {
		t.Rate = DefaultThrottle.Rate
	}
	if t.Burst <= 0 {
		t.Burst = DefaultThrottle.Burst
	}
	if t.RefuseEvery <= 0 {
		t.RefuseEvery = DefaultThrottle.RefuseEvery
	}
	return &gate{t: t, now: now, senders: map[string]*sender{}}
}

func (g *gate) get(key string, now time.Time) *sender {
	if now.Sub(g.swept) > time.Hour {
		for k, s := range g.senders {
			if now.Sub(s.seen) > time.Hour {
				delete(g.senders, k)
			}
		}
		g.swept = now
	}
	s := g.senders[key]
	if s == nil {
		s = &sender{lim: rate.NewLimiter(rate.Limit(g.t.Rate), g.t.Burst)}
		g.senders[key] = s
	}
	s.seen = now
	return s
}

// allow reports whether a bound sender's message may run now.
func (g *gate) allow(key string) bool {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.get(key, now)
	return s.lim.AllowN(now, 1)
}

// refuseOnce reports whether an unbound sender should be answered now.
func (g *gate) refuseOnce(key string) bool {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.get(key, now)
	if !s.refused.IsZero() && now.Sub(s.refused) < g.t.RefuseEvery {
		return false
	}
	s.refused = now
	return true
}
