package cli_test

import (
	"context"
	"encoding/json"
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
