package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDownlineCommands: `reseller create --upline --markup` makes a downline with the same JSON
// keys as any reseller; `markup set --reseller` sets its default and its overrides; bad uses
// are refused (issue 21).
func TestDownlineCommands(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		file := filepath.Join(t.TempDir(), "catalog.csv")
		if err := os.WriteFile(file, []byte(catalogCSV), 0o600); err != nil {
			t.Fatal(err)
		}
		k.ok("catalog", "import", file)
		k.ok("reseller", "create", "--name", "Pusat Satu", "--username", "pusat")
		plain := map[string]any{}
		if err := json.Unmarshal([]byte(k.ok("reseller", "create", "--name", "Biasa", "--json")), &plain); err != nil {
			t.Fatal(err)
		}
		got := map[string]any{}
		out := k.ok("reseller", "create", "--name", "Agen Dua", "--username", "agen", "--upline", "pusat", "--markup", "100", "--json")
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		keys := func(m map[string]any) []string {
			var ks []string
			for k := range m {
				ks = append(ks, k)
			}
			slices.Sort(ks)
			return ks
		}
		if !slices.Equal(keys(got), keys(plain)) {
			t.Errorf("downline JSON keys %v, a reseller's %v", keys(got), keys(plain))
		}
		if out := k.ok("reseller", "create", "--name", "Loket Tiga", "--username", "loket", "--upline", "agen"); !strings.Contains(out, "Downline of agen") {
			t.Errorf("text summary: %s", out)
		}
		k.ok("markup", "set", "--reseller", "agen", "--product", "mobile-legends", "--rupiah", "120")
		k.ok("markup", "set", "--reseller", "loket", "--variant", "MLBB_ID_5", "--rupiah", "70")
		k.ok("markup", "set", "--reseller", "loket", "--rupiah", "25")
		for _, bad := range [][]string{
			{"reseller", "create", "--name", "X", "--upline", "nobody"},
			{"reseller", "create", "--name", "X", "--markup", "5"},
			{"reseller", "create", "--name", "X", "--upline", "pusat", "--markup", "-1"},
			{"markup", "set", "--reseller", "agen", "--rupiah", "-1"},
			{"markup", "set", "--reseller", "agen", "--rupiah", "x"},
			{"markup", "set", "--reseller", "agen"},
			{"markup", "set", "--rupiah", "5"},
			{"markup", "set", "--reseller", "agen", "--product", "mobile-legends", "--variant", "MLBB_ID_5", "--rupiah", "5"},
			{"markup", "set", "--reseller", "agen", "--product", "nope", "--rupiah", "5"},
			{"markup", "set", "--reseller", "agen", "--percent", "3", "--rupiah", "5"},
		} {
			if r := k.run(bad...); r.code != 2 {
				t.Errorf("kios %s: exit %d, want 2 (stderr %q)", strings.Join(bad, " "), r.code, r.stderr)
			}
		}
		// A top reseller has no upline to charge it.
		if r := k.run("markup", "set", "--reseller", "pusat", "--rupiah", "5"); r.code == 0 {
			t.Errorf("markup on a top reseller accepted")
		}
		k.ok("settings", "set", "max_markup", "50")
		if r := k.run("markup", "set", "--reseller", "agen", "--rupiah", "51"); r.code == 0 || !strings.Contains(r.stderr, "max_markup") {
			t.Errorf("markup above max_markup: exit %d, stderr %q", r.code, r.stderr)
		}
		k.ok("settings", "set", "downline_depth", "2")
		if r := k.run("reseller", "create", "--name", "Terlalu Dalam", "--upline", "loket"); r.code == 0 || !strings.Contains(r.stderr, "deeper") {
			t.Errorf("downline below the depth limit: exit %d, stderr %q", r.code, r.stderr)
		}
		k.ok("ledger", "check")
	})
}
