package access

import (
	"net/http/httptest"
	"net/netip"
	"testing"
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
