// Package access decides who may call the reseller APIs from where and how often: the client's
// IP (the socket peer, or X-Forwarded-For when the peer is a trusted proxy) and a token bucket per
// reseller. Both dialects use it, so a reseller is limited the same whichever dialect it speaks.
package access

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Policy configures a Guard.
type Policy struct {
	// TrustedProxies are the peers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// Rate is the sustained requests per second allowed per reseller; 0 disables limiting.
	Rate float64
	// Burst is how many requests may arrive at once; 0 means 2×Rate (at least 1).
	Burst int
	// RefusalRate is the sustained refusals per second (unknown user or token, wrong sign, wrong
	// IP) allowed per source address before that address is answered "too fast" without being
	// looked at; 0 disables the limit. It makes guessing usernames, tokens and keys slow.
	RefusalRate float64
	// RefusalBurst is how many refusals an address may collect at once; 0 means 20.
	RefusalBurst int
}

// Guard applies a Policy.
type Guard struct {
	policy   Policy
	mu       sync.Mutex
	limiters map[int64]*limiter
	refusals map[netip.Addr]*limiter
	now      func() time.Time
}

type limiter struct {
	l    *rate.Limiter
	seen time.Time
}

// New returns a Guard for p.
func New(p Policy) *Guard {
	if p.Burst <= 0 {
		p.Burst = int(2 * p.Rate)
		if p.Burst < 1 {
			p.Burst = 1
		}
	}
	if p.RefusalBurst <= 0 {
		p.RefusalBurst = 20
	}
	return &Guard{policy: p, limiters: map[int64]*limiter{}, refusals: map[netip.Addr]*limiter{}, now: time.Now}
}

// ClientIP returns the address a request comes from, for logs and for limits keyed by address:
// ClientAddr's answer, or the socket peer when ClientAddr finds none. Never use it to decide
// whether a caller may call from where it is: use ClientAddr.
func (g *Guard) ClientIP(r *http.Request) netip.Addr {
	if a, ok := g.ClientAddr(r); ok {
		return a
	}
	return peerAddr(r.RemoteAddr)
}

// ClientAddr returns the address a request comes from: the socket peer, unless the peer is a
// trusted proxy, in which case the right-most address of X-Forwarded-For that is not itself a
// trusted proxy (the left-most entries are whatever the client chose to send). ok is false when a
// trusted proxy sent no such address (the header missing, garbled at the hop that matters, or
// naming trusted proxies only): the client is then unknown, and falling back to the proxy's own
// address would let anyone call as the proxy (a loopback-only reseller, from anywhere).
func (g *Guard) ClientAddr(r *http.Request) (netip.Addr, bool) {
	peer := peerAddr(r.RemoteAddr)
	if !g.trusted(peer) {
		return peer, peer.IsValid()
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// A garbled hop proves nothing, and what lies left of it was written by whoever
			// wrote it: the client is unknown.
			return netip.Addr{}, false
		}
		a = a.Unmap()
		if !g.trusted(a) {
			return a, true
		}
	}
	return netip.Addr{}, false
}

func (g *Guard) trusted(a netip.Addr) bool {
	for _, p := range g.policy.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func peerAddr(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// Allow takes one request from a reseller's bucket; false means the caller must answer 429 (or
// the dialect's "too fast" code).
func (g *Guard) Allow(resellerID int64) bool {
	if g.policy.Rate <= 0 {
		return true
	}
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	l, ok := g.limiters[resellerID]
	if !ok {
		if len(g.limiters) > 100000 {
			g.sweep(now)
		}
		l = &limiter{l: rate.NewLimiter(rate.Limit(g.policy.Rate), g.policy.Burst)}
		g.limiters[resellerID] = l
	}
	l.seen = now
	return l.l.AllowN(now, 1)
}

// sweep drops buckets idle long enough to be full again, bounding memory.
func (g *Guard) sweep(now time.Time) {
	idle := time.Duration(float64(g.policy.Burst)/g.policy.Rate*float64(time.Second)) + time.Minute
	for id, l := range g.limiters {
		if now.Sub(l.seen) > idle {
			delete(g.limiters, id)
		}
	}
}

// Blocked reports whether addr has used up its allowance of refusals: the caller answers "too
// fast" (429, or the dialect's rc) without looking the request's credentials up.
func (g *Guard) Blocked(addr netip.Addr) bool {
	if g.policy.RefusalRate <= 0 {
		return false
	}
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	l, ok := g.refusals[addr]
	return ok && l.l.TokensAt(now) < 1
}

// Refused counts one refusal (unknown user or token, wrong sign, wrong IP) against addr.
func (g *Guard) Refused(addr netip.Addr) {
	if g.policy.RefusalRate <= 0 {
		return
	}
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	l, ok := g.refusals[addr]
	if !ok {
		if len(g.refusals) > 100000 {
			idle := time.Duration(float64(g.policy.RefusalBurst)/g.policy.RefusalRate*float64(time.Second)) + time.Minute
			for a, l := range g.refusals {
				if now.Sub(l.seen) > idle {
					delete(g.refusals, a)
				}
			}
		}
		l = &limiter{l: rate.NewLimiter(rate.Limit(g.policy.RefusalRate), g.policy.RefusalBurst)}
		g.refusals[addr] = l
	}
	l.seen = now
	l.l.AllowN(now, 1)
}
