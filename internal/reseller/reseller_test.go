package reseller

import (
	"net/netip"
	"testing"
)

func TestAllowsDefaultsToLoopback(t *testing.T) {
	t.Parallel()
	r := &Reseller{}
	for ip, want := range map[string]bool{"127.0.0.1": true, "::1": true, "::ffff:127.0.0.1": true, "10.1.2.3": false} {
		if got := r.Allows(netip.MustParseAddr(ip)); got != want {
			t.Errorf("%s: %v", ip, got)
		}
	}
	r.AllowIPs = []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}
	if !r.Allows(netip.MustParseAddr("203.0.113.9")) || r.Allows(netip.MustParseAddr("127.0.0.1")) {
		t.Error("an explicit allowlist replaces loopback")
	}
	if r.Allows(netip.Addr{}) {
		t.Error("an invalid address is never allowed")
	}
}

func TestParsePrefix(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"1.2.3.4": "1.2.3.4/32", "10.0.0.7/8": "10.0.0.0/8", "::1": "::1/128", " 192.168.1.0/24 ": "192.168.1.0/24"} {
		p, err := ParsePrefix(in)
		if err != nil || p.String() != want {
			t.Errorf("%q = %v %v", in, p, err)
		}
	}
	for _, bad := range []string{"", "1.2.3", "1.2.3.4/33", "host"} {
		if _, err := ParsePrefix(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	tok := NewToken()
	if len(tok) < 32 || tok == NewToken() {
		t.Fatalf("token %q", tok)
	}
	h := HashToken(tok)
	if h == tok || !TokenMatches(tok, h) || TokenMatches(tok+"x", h) {
		t.Fatal("hash/compare")
	}
}

func TestUsernames(t *testing.T) {
	t.Parallel()
	if u := UsernameFrom("Cishop Indo"); u != "cishopindo" {
		t.Errorf("UsernameFrom = %q", u)
	}
	if u := UsernameFrom("!"); ValidateUsername(u) != nil {
		t.Errorf("derived username %q invalid", u)
	}
	if ValidateUsername("Bad Name") == nil || ValidateUsername("ok_name-1") != nil {
		t.Error("ValidateUsername")
	}
}
