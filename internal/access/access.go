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
}

// Guard applies a Policy.
type Guard struct {
	policy   Policy
	mu       sync.Mutex
	limiters map[int64]*limiter
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
	return &Guard{policy: p, limiters: map[int64]*limiter{}, now: time.Now}
}

// ClientIP returns the address a request comes from: the socket peer, unless the peer is a trusted
// proxy, in which case the right-most address of X-Forwarded-For that is not itself a trusted
// proxy (the left-most entries are whatever the client chose to send).
func (g *Guard) ClientIP(r *http.Request) netip.Addr {
	peer := peerAddr(r.RemoteAddr)
	if !g.trusted(peer) {
		return peer
	}
	xff := r.Header.Values("X-Forwarded-For")
	var hops []string
	for _, h := range xff {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer // a garbled header proves nothing; fall back to the proxy itself
		}
		a = a.Unmap()
		if !g.trusted(a) {
			return a
		}
	}
	return peer
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
