package basstore

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
)

// Every refusal of an order the core can give is answered in BASSTORE's words: a 4xx with a
// message of its own, never the 500 of an error nobody mapped, wrapped or not.
func TestEveryOrderRefusalIsMapped(t *testing.T) {
	seen := map[string]error{}
	for _, err := range core.OrderRefusals() {
		for _, e := range []error{err, fmt.Errorf("place order: %w", err)} {
			code, msg := refusal(e)
			if code < 400 || code >= http.StatusInternalServerError || msg == "" || msg == "Internal server error" {
				t.Errorf("%v: %d %q", e, code, msg)
			}
		}
		_, msg := refusal(err)
		if prev, dup := seen[msg]; dup {
			t.Errorf("%v and %v both answer %q", prev, err, msg)
		}
		seen[msg] = err
	}
}
