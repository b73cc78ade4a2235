package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// kios routing, kios prefix and kios supplier stats: set, show, refuse bad input with exit 2.
func TestRoutingAndPrefixCommands(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		k.ok("migrate", "up")
		k.ok("routing", "set", "balanced")
		var rt struct {
			Policy   string            `json:"policy"`
			Products map[string]string `json:"products"`
		}
		if err := json.Unmarshal([]byte(k.ok("routing", "show", "--json")), &rt); err != nil || rt.Policy != "balanced" || len(rt.Products) != 0 {
			t.Fatalf("routing show: %+v %v", rt, err)
		}
		if r := k.run("routing", "set", "quickest"); r.code != 2 {
			t.Fatalf("unknown policy: exit %d %s", r.code, r.stderr)
		}
		if r := k.run("routing", "set", "fastest", "--product", "nope"); r.code != 2 {
			t.Fatalf("unknown product: exit %d %s", r.code, r.stderr)
		}

		var rows []struct{ Prefix, Operator string }
		if err := json.Unmarshal([]byte(k.ok("prefix", "list", "--json")), &rows); err != nil || len(rows) < 30 {
			t.Fatalf("prefix list: %d rows %v", len(rows), err)
		}
		k.ok("prefix", "set", "0828", "Smartfren")
		if out := k.ok("prefix", "list"); !strings.Contains(out, "SMARTFREN") || !strings.Contains(out, "0828") {
			t.Fatalf("prefix list after set:\n%s", out)
		}
		k.ok("prefix", "remove", "0828")
		for _, bad := range [][]string{{"prefix", "set", "828", "XL"}, {"prefix", "set", "0828", "??"}, {"prefix", "remove", "0828"}} {
			if r := k.run(bad...); r.code != 2 {
				t.Fatalf("%v: exit %d %s", bad, r.code, r.stderr)
			}
		}
		if out := k.ok("supplier", "stats"); !strings.Contains(out, "no answers") {
			t.Fatalf("supplier stats with no server: %s", out)
		}
		if out := k.ok("supplier", "stats", "--json"); strings.TrimSpace(out) != "[]" {
			t.Fatalf("supplier stats --json: %s", out)
		}
	})
}
