package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestSettingsAndBanks: kios settings set|list and kios bank add|list|remove keep the seller name
// and the distributor's accounts in the database, refuse bad values (exit 2), and audit every
// change in its transaction (a refused one, or a removal that removed nothing, writes no row).
func TestSettingsAndBanks(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		type setting struct {
			Name, Value, Default string
			Set                  bool
		}
		settings := func() map[string]setting {
			var ss []setting
			if err := json.Unmarshal([]byte(k.ok("settings", "list", "--json")), &ss); err != nil {
				t.Fatal(err)
			}
			out := map[string]setting{}
			for _, s := range ss {
				out[s.Name] = s
			}
			return out
		}
		k.ok("migrate", "up")
		if s := settings()["seller_name"]; s.Value != "KIOS" || s.Default != "KIOS" || s.Set {
			t.Fatalf("default seller_name %+v", s)
		}
		k.ok("settings", "set", "seller_name", "Toko Budi Pulsa")
		if s := settings()["seller_name"]; s.Value != "Toko Budi Pulsa" || !s.Set {
			t.Fatalf("seller_name %+v", s)
		}
		if out := k.ok("settings", "list"); !strings.Contains(out, "Toko Budi Pulsa") {
			t.Fatalf("settings list %q", out)
		}
		for _, bad := range [][]string{{"colour", "red"}, {"seller_name", "a\x1b[2Jb"}, {"seller_name", strings.Repeat("x", 65)}, {"seller_name"}} {
			if r := k.run(append([]string{"settings", "set"}, bad...)...); r.code != 2 {
				t.Errorf("settings set %q: %+v", bad, r)
			}
		}
		k.ok("settings", "set", "seller_name", "")
		if s := settings()["seller_name"]; s.Value != "KIOS" || s.Set {
			t.Fatalf("seller_name back to default %+v", s)
		}

		var banks []map[string]string
		if err := json.Unmarshal([]byte(k.ok("bank", "list", "--json")), &banks); err != nil || len(banks) != 0 {
			t.Fatalf("no banks: %q %v", banks, err)
		}
		k.ok("bank", "add", "--bank", "bca", "--account-no", "8730123456", "--holder", "PT Kios Digital")
		k.ok("bank", "add", "--bank", "Mandiri", "--account-no", "1370098765432", "--holder", "PT Kios Digital", "--payment-method", "Transfer Mandiri")
		k.ok("bank", "add", "--bank", "BCA", "--account-no", "8730999999", "--holder", "PT Kios Digital") // replaces BCA's
		for _, bad := range [][]string{{"--bank", "BNI", "--holder", "X"}, {"--account-no", "1", "--holder", "X"}, {"--bank", "BNI", "--account-no", "1"}} {
			if r := k.run(append([]string{"bank", "add"}, bad...)...); r.code != 2 {
				t.Errorf("bank add %q: %+v", bad, r)
			}
		}
		if err := json.Unmarshal([]byte(k.ok("bank", "list", "--json")), &banks); err != nil {
			t.Fatal(err)
		}
		want := []map[string]string{
			{"bank": "BCA", "account_no": "8730999999", "holder": "PT Kios Digital", "payment_method": "Transfer Bank"},
			{"bank": "MANDIRI", "account_no": "1370098765432", "holder": "PT Kios Digital", "payment_method": "Transfer Mandiri"}}
		if len(banks) != 2 || !equalMaps(banks[0], want[0]) || !equalMaps(banks[1], want[1]) {
			t.Fatalf("banks %v", banks)
		}
		k.ok("bank", "remove", "mandiri")
		if r := k.run("bank", "remove", "MANDIRI"); r.code != 1 || !strings.Contains(r.stderr, "no account") {
			t.Fatalf("remove twice: %+v", r)
		}
		if out := k.ok("bank", "list"); strings.Contains(out, "MANDIRI") || !strings.Contains(out, "8730999999") {
			t.Fatalf("bank list %q", out)
		}

		db := storetest.OpenURL(t, k.db)
		for action, targets := range map[string][]string{"settings.set": {"setting:seller_name", "setting:seller_name"},
			"bank.add": {"bank:BCA", "bank:MANDIRI", "bank:BCA"}, "bank.remove": {"bank:MANDIRI"}} {
			list, err := db.AuditList(context.Background(), store.AuditFilter{Action: action})
			if err != nil || len(list) != len(targets) {
				t.Fatalf("%s audit rows %+v %v", action, list, err)
			}
			for i, e := range list { // newest first
				if want := targets[len(targets)-1-i]; !strings.HasPrefix(e.Actor, "cli:") || e.Target != want {
					t.Errorf("%s audit row %d %+v, want target %s", action, i, e, want)
				}
			}
		}
	})
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
