package access

import (
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestClientIP(t *testing.T) {
	t.Parallel()
	g := New(Policy{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	cases := []struct {
		remote, xff, want string
	}{
		{"127.0.0.1:5000", "", "127.0.0.1"},
		{"127.0.0.1:5000", "1.2.3.4", "127.0.0.1"},                 // untrusted peer: header ignored
		{"10.0.0.5:5000", "1.2.3.4", "1.2.3.4"},                    // trusted proxy
		{"10.0.0.5:5000", "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"}, // right-most untrusted hop
		{"10.0.0.5:5000", "garbage", "10.0.0.5"},
		{"[::ffff:127.0.0.1]:80", "", "127.0.0.1"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("POST", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := g.ClientIP(r); got.String() != c.want {
			t.Errorf("%s xff=%q: got %s want %s", c.remote, c.xff, got, c.want)
		}
	}
}

func TestAllowLimitsPerReseller(t *testing.T) {
	t.Parallel()
	g := New(Policy{Rate: 1, Burst: 3})
	for i := 0; i < 3; i++ {
		if !g.Allow(1) {
			t.Fatalf("request %d refused within burst", i)
		}
	}
	if g.Allow(1) {
		t.Fatal("request beyond burst allowed")
	}
	if !g.Allow(2) {
		t.Fatal("another reseller's bucket is separate")
	}
	if !New(Policy{}).Allow(1) {
		t.Fatal("rate 0 disables limiting")
	}
}

func TestAllowRefills(t *testing.T) {
	t.Parallel()
	g := New(Policy{Rate: 2, Burst: 1})
	now := time.Unix(1_700_000_000, 0)
	g.now = func() time.Time { return now }
	if !g.Allow(7) {
		t.Fatal("first request refused")
	}
	if g.Allow(7) {
		t.Fatal("second request at the same instant allowed with burst 1")
	}
	now = now.Add(400 * time.Millisecond)
	if g.Allow(7) {
		t.Fatal("allowed before a token was earned (rate 2/s: one per 500ms)")
	}
	now = now.Add(100 * time.Millisecond)
	if !g.Allow(7) {
		t.Fatal("refused after the bucket earned a token")
	}
}

// TestClientAddrRefusesUnknownClients: behind a trusted proxy, a request whose X-Forwarded-For is
// missing, garbled or names trusted hops only has no known client; it must not pass as the proxy.
func TestClientAddrRefusesUnknownClients(t *testing.T) {
	t.Parallel()
	g := New(Policy{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8")}})
	cases := []struct {
		remote string
		xff    []string
		want   string // "" for no known client
	}{
		{"127.0.0.1:5000", nil, ""},
		{"127.0.0.1:5000", []string{"garbage"}, ""},
		{"127.0.0.1:5000", []string{""}, ""},
		{"127.0.0.1:5000", []string{"10.0.0.7, 127.0.0.1"}, ""},
		{"127.0.0.1:5000", []string{"1.2.3.4, garbage"}, ""},
		{"127.0.0.1:5000", []string{"garbage, 1.2.3.4"}, "1.2.3.4"},
		{"127.0.0.1:5000", []string{"6.6.6.6", "1.2.3.4, 10.0.0.9"}, "1.2.3.4"},
		{"127.0.0.1:5000", []string{"::ffff:1.2.3.4"}, "1.2.3.4"},
		{"192.0.2.1:5000", nil, "192.0.2.1"},
		{"192.0.2.1:5000", []string{"127.0.0.1"}, "192.0.2.1"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("POST", "/", nil)
		r.RemoteAddr = c.remote
		for _, h := range c.xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		a, ok := g.ClientAddr(r)
		if got := map[bool]string{true: a.String(), false: ""}[ok]; got != c.want {
			t.Errorf("%s xff=%q: got %q want %q", c.remote, c.xff, got, c.want)
		}
	}
}

func TestRefusalsLimitedPerAddress(t *testing.T) {
	t.Parallel()
	g := New(Policy{RefusalRate: 1, RefusalBurst: 3})
	now := time.Unix(1_700_000_000, 0)
	g.now = func() time.Time { return now }
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	for i := 0; i < 3; i++ {
		if g.Blocked(a) {
			t.Fatalf("blocked after %d refusals, burst 3", i)
		}
		g.Refused(a)
	}
	if !g.Blocked(a) {
		t.Fatal("not blocked after 3 refusals")
	}
	if g.Blocked(b) {
		t.Fatal("another address is blocked too")
	}
	now = now.Add(time.Second)
	if g.Blocked(a) {
		t.Fatal("still blocked after the bucket earned a token")
	}
	if New(Policy{}).Blocked(a) {
		t.Fatal("refusal rate 0 disables the limit")
	}
}
