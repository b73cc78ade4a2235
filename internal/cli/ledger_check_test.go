package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// kios ledger check: without a checkpoint (no server ran) it checks the whole history; --full
// always does; --json says which.
func TestLedgerCheckModes(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		k.ok("migrate", "up")
		for _, args := range [][]string{{"ledger", "check", "--json"}, {"ledger", "check", "--full", "--json"}} {
			var out struct {
				OK   bool   `json:"ok"`
				Mode string `json:"mode"`
			}
			if err := json.Unmarshal([]byte(k.ok(args...)), &out); err != nil || !out.OK || out.Mode != "full" {
				t.Fatalf("%v: %+v %v", args, out, err)
			}
		}
		if out := k.ok("ledger", "check"); !strings.HasPrefix(out, "ledger OK") {
			t.Fatalf("ledger check: %s", out)
		}
	})
}
