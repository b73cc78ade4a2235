package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/storetest"
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

// TestDownlineBadInputsCLI: bad uses of the downline tree's commands exit 2 (usage) or 1 (refused)
// saying why, and change nothing (storetest.Dump).
func TestDownlineBadInputsCLI(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		file := filepath.Join(t.TempDir(), "catalog.csv")
		if err := os.WriteFile(file, []byte(catalogCSV), 0o600); err != nil {
			t.Fatal(err)
		}
		k.ok("catalog", "import", file)
		k.ok("reseller", "create", "--name", "Pusat", "--username", "pusat")
		k.ok("reseller", "create", "--name", "Agen", "--username", "agen", "--upline", "pusat", "--markup", "10")
		k.ok("settings", "set", "max_markup", "50")
		dump := func() string {
			t.Helper()
			db, err := backend.Open(context.Background(), k.db, backend.Options{SecretKeyFile: k.keyFile, MaxConns: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			return storetest.Dump(t, db)
		}
		before := dump()
		for _, c := range []struct {
			args []string
			code int
			says string
		}{
			{[]string{"reseller", "create", "--name", "X", "--upline", "nobody"}, 2, "nobody"},
			{[]string{"reseller", "create", "--name", "X", "--markup", "5"}, 2, "upline"},
			{[]string{"reseller", "create", "--name", "X", "--upline", "pusat", "--markup", "-1"}, 2, "markup"},
			{[]string{"reseller", "create", "--name", "X", "--upline", "pusat", "--markup", "51"}, 1, "max_markup"},
			{[]string{"reseller", "create", "--name", "X", "--upline", "pusat", "--markup", "lima"}, 2, "markup"},
			{[]string{"markup", "set", "--reseller", "agen", "--rupiah", "-1"}, 2, "--rupiah"},
			{[]string{"markup", "set", "--reseller", "agen", "--rupiah", "x"}, 2, "--rupiah"},
			{[]string{"markup", "set", "--reseller", "agen", "--rupiah", "51"}, 1, "max_markup"},
			{[]string{"markup", "set", "--reseller", "agen"}, 2, "--rupiah"},
			{[]string{"markup", "set", "--rupiah", "5"}, 2, "--reseller"},
			{[]string{"markup", "set", "--reseller", "agen", "--product", "mobile-legends", "--variant", "MLBB_ID_5", "--rupiah", "5"}, 2, "not both"},
			{[]string{"markup", "set", "--reseller", "agen", "--product", "nope", "--rupiah", "5"}, 2, "nope"},
			{[]string{"markup", "set", "--reseller", "agen", "--variant", "NOPE", "--rupiah", "5"}, 2, "NOPE"},
			{[]string{"markup", "set", "--reseller", "agen", "--percent", "3", "--rupiah", "5"}, 2, "--percent"},
			{[]string{"markup", "set", "--reseller", "nobody", "--rupiah", "5"}, 2, "nobody"},
			{[]string{"markup", "set", "--reseller", "pusat", "--rupiah", "5"}, 1, "no upline"},
		} {
			r := k.run(c.args...)
			if r.code != c.code || !strings.Contains(r.stderr, c.says) {
				t.Errorf("kios %s: exit %d, stderr %q; want exit %d saying %q", strings.Join(c.args, " "), r.code, r.stderr, c.code, c.says)
			}
			if after := dump(); after != before {
				t.Fatalf("kios %s changed the database", strings.Join(c.args, " "))
			}
		}
		k.ok("ledger", "check")
	})
}
