package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// kios reseller otomax gives a reseller its Otomax PIN (a random one printed once), audited
// without it, and takes the access away with --off.
func TestResellerOtomax(t *testing.T) {
	each(t, func(t *testing.T, k *kios) {
		k.ok("reseller create", "--name", "Toko Otomax", "--username", "tokoox")
		var out struct {
			Username, MemberID, PIN string
			Plain                   bool
		}
		raw := k.ok("reseller", "otomax", "tokoox", "--json")
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			t.Fatal(err)
		}
		if len(out.PIN) != 6 || out.MemberID != "" && out.MemberID != "tokoox" {
			t.Fatalf("made PIN: %s", raw)
		}
		k.ok("reseller", "otomax", "tokoox", "--pin", "24680", "--plain")
		if r := k.run("reseller", "otomax", "tokoox", "--pin", "12ab"); r.code == 0 || !strings.Contains(r.stderr, "4 to 8 digits") {
			t.Fatalf("bad pin: %+v", r)
		}
		if r := k.run("reseller", "otomax", "ghost", "--pin", "1234"); r.code == 0 {
			t.Fatalf("unknown reseller: %+v", r)
		}
		db := storetest.OpenURL(t, k.db)
		ctx := context.Background()
		list, err := db.AuditList(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range list {
			if e.Action != "reseller.otomax" {
				continue
			}
			n++
			if e.Target != "reseller:tokoox" || strings.Contains(e.After, "24680") || strings.Contains(e.After, out.PIN) {
				t.Errorf("audit row %+v", e)
			}
		}
		if n != 2 {
			t.Errorf("%d reseller.otomax audit rows, want 2", n)
		}
		if !strings.Contains(k.ok("reseller", "otomax", "tokoox", "--off"), "off") {
			t.Fatal("--off")
		}
	})
}

// kios supplier add --kind otomax takes the center's memberID, PIN and password and reply
// patterns, prints the report-back URL's key once; supplier set changes the patterns; supplier
// map --cost records a product of a supplier without a price list.
func TestSupplierOtomax(t *testing.T) {
	each(t, func(t *testing.T, k *kios) {
		out := k.ok("supplier", "add", "--name", "pusat", "--kind", "otomax", "--base-url", "http://127.0.0.1:9/api",
			"--member-id", "M01", "--pin", "1234", "--password", "sekret-pw", "--success-pattern", `(?i)\bSUKSES\b`, "--sn-pattern", `SN=(\S+)`)
		if !strings.Contains(out, "/callback/pusat?key=") || strings.Contains(out, "sekret") {
			t.Fatalf("add: %s", out)
		}
		for _, args := range [][]string{
			{"--name", "p2", "--kind", "otomax", "--base-url", "http://127.0.0.1:9", "--member-id", "M01", "--pin", "1234"},
			{"--name", "p3", "--kind", "otomax", "--base-url", "http://127.0.0.1:9", "--member-id", "M", "--pin", "1", "--password", "p", "--sn-pattern", `SN=\S+`},
			{"--name", "p4", "--kind", "otomax", "--base-url", "http://127.0.0.1:9", "--member-id", "M", "--pin", "1", "--password", "p", "--failed-pattern", `(`},
			{"--name", "p5", "--kind", "digiswitch", "--base-url", "http://127.0.0.1:9", "--username", "u", "--api-key", "k", "--success-pattern", "OK"},
		} {
			if r := k.run(append([]string{"supplier", "add"}, args...)...); r.code != 2 {
				t.Errorf("supplier add %v: %+v", args, r)
			}
		}
		db := storetest.OpenURL(t, k.db)
		ctx := context.Background()
		sup, err := db.SupplierByName(ctx, "pusat")
		if err != nil || sup.Kind != "otomax" || sup.Username != "M01" || sup.Token != "1234" || sup.APIKey != "sekret-pw" ||
			!strings.Contains(sup.ReplyPatterns, "SUKSES") || sup.CallbackSecret == "" || sup.CallbackSecret == sup.APIKey {
			t.Fatalf("stored %+v %v", sup, err)
		}
		if out := k.ok("supplier", "list", "--json"); !strings.Contains(out, `"reply_patterns":{"success":["(?i)\\bSUKSES\\b"],"sn":["SN=(\\S+)"]}`) {
			t.Fatalf("list: %s", out)
		}
		k.ok("supplier", "set", "pusat", "--failed-pattern", "NOK")
		if sup, _ := db.SupplierByName(ctx, "pusat"); sup.ReplyPatterns != `{"failed":["NOK"]}` {
			t.Fatalf("after set: %q", sup.ReplyPatterns)
		}
		k.ok("supplier", "set", "pusat", "--default-patterns")
		if sup, _ := db.SupplierByName(ctx, "pusat"); sup.ReplyPatterns != "" {
			t.Fatalf("after --default-patterns: %q", sup.ReplyPatterns)
		}
		file := filepath.Join(t.TempDir(), "catalog.csv")
		if err := os.WriteFile(file, []byte(catalogCSV), 0o600); err != nil {
			t.Fatal(err)
		}
		k.ok("catalog", "import", file)
		k.ok("supplier", "map", "pusat", "ML5", "MLBB_ID_5", "--cost", "1200")
		ps, err := db.SupplierProducts(ctx, sup.ID)
		if err != nil || len(ps) != 1 || ps[0].Code != "ML5" || ps[0].Cost != 1200 || ps[0].VariantID == 0 {
			t.Fatalf("products %+v %v", ps, err)
		}
		if r := k.run("supplier", "map", "pusat", "ML6", "MLBB_ID_5", "--cost", "-5"); r.code != 2 {
			t.Fatalf("negative cost: %+v", r)
		}
		list, _ := db.AuditList(ctx, store.AuditFilter{})
		for _, e := range list {
			if strings.Contains(e.After, "sekret") || strings.Contains(e.After, "1234") {
				t.Errorf("secret in the audit log: %+v", e)
			}
		}
	})
}
