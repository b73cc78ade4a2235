package basstore_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
)

// TestUnknownClientBehindProxyRefused: with 127.0.0.1 a trusted proxy, a request without a usable
// X-Forwarded-For has no known client and is refused, not taken as coming from the proxy (which
// a loopback-only reseller would accept).
func TestUnknownClientBehindProxyRefused(t *testing.T) {
	t.Parallel()
	e := basstoretest.New(t, basstoretest.Config{Policy: access.Policy{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}})
	for _, xff := range []string{"", "garbage", "127.0.0.1", "1.2.3.4, nonsense"} {
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/api/v1/balance", nil)
		req.Header.Set("Authorization", "Bearer "+e.B.Token)
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		resp, err := e.Server.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("X-Forwarded-For %q: %d, want 403", xff, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/api/v1/balance", nil)
	req.Header.Set("Authorization", "Bearer "+e.B.Token)
	req.Header.Set("X-Forwarded-For", "127.0.0.1, 127.0.0.5") // every hop a trusted proxy: no client named
	resp, err := e.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("hops all trusted: %d, want 403", resp.StatusCode)
	}
}

// TestDenialsLimitedPerAddress: unknown tokens are logged with the source address and counted;
// past the allowance even a valid token from that address is answered 429.
func TestDenialsLimitedPerAddress(t *testing.T) {
	t.Parallel()
	e := basstoretest.New(t, basstoretest.Config{Policy: access.Policy{RefusalRate: 0.001, RefusalBurst: 2}})
	for i := 0; i < 2; i++ {
		if st, _ := call(t, e, "POST", "/api/v1/balance", "guess-"+string(rune('a'+i)), ""); st != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i, st)
		}
	}
	if st, _ := call(t, e, "POST", "/api/v1/balance", e.A.Token, ""); st != http.StatusTooManyRequests {
		t.Fatalf("valid token after 2 denials from the address: %d, want 429", st)
	}
	if logs := e.Logs.String(); !strings.Contains(logs, "level=INFO") || !strings.Contains(logs, "source=127.0.0.1") || !strings.Contains(logs, "unknown token") {
		t.Fatalf("denials not logged at info with the source:\n%s", logs)
	}
}
