package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// State-changing commands write an audit row with the actor cli:<user>@<host>, secrets left out;
// reading commands write none.
func TestCLIChangesAreAudited(t *testing.T) {
	each(t, func(t *testing.T, k *kios) {
		k.ok("reseller create", "--name", "Toko Audit", "--username", "tokoaudit")
		k.ok("deposit", "credit", "--reseller", "tokoaudit", "--amount", "50000", "--note", "transfer")
		k.ok("reseller", "suspend", "tokoaudit")
		k.ok("supplier", "add", "--name", "hulu", "--kind", "digiswitch", "--base-url", "http://127.0.0.1:9", "--username", "u", "--api-key", "sekret-key")
		k.ok("supplier", "disable", "hulu")
		k.ok("admin", "create", "--username", "ops")
		k.ok("reseller", "list")
		k.ok("supplier", "list")

		db := storetest.OpenURL(t, k.db)
		list, err := db.AuditList(context.Background(), store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]store.AuditEntry{}
		for _, e := range list {
			if !strings.HasPrefix(e.Actor, "cli:") || !strings.Contains(e.Actor, "@") {
				t.Errorf("actor %q of %s", e.Actor, e.Action)
			}
			if strings.Contains(e.After, "sekret") {
				t.Errorf("secret in the audit log: %s", e.After)
			}
			got[e.Action] = e
		}
		for action, target := range map[string]string{"reseller.create": "reseller:tokoaudit", "deposit.credit": "reseller:tokoaudit",
			"reseller.suspend": "reseller:tokoaudit", "supplier.add": "supplier:hulu", "supplier.disable": "supplier:hulu", "admin.create": "admin:ops"} {
			if e, ok := got[action]; !ok || e.Target != target {
				t.Errorf("%s: %+v", action, e)
			}
		}
		if len(list) != 6 {
			t.Errorf("%d audit rows, want 6: %+v", len(list), list)
		}
	})
}
