package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestCatalogLimits: a variant's own max loss is set, shown, listed, audited and given back to
// the server's default; bad values exit 2, an unknown variant 1.
func TestCatalogLimits(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		file := filepath.Join(t.TempDir(), "catalog.csv")
		if err := os.WriteFile(file, []byte(catalogCSV), 0o600); err != nil {
			t.Fatal(err)
		}
		k.ok("catalog", "import", file)
		var l struct {
			Code        string `json:"code"`
			MaxLoss     int64  `json:"max_loss"`
			Own         bool   `json:"own"`
			LowestPrice int64  `json:"lowest_price"`
			MaxPrice    int64  `json:"max_price"`
		}
		if err := json.Unmarshal([]byte(k.ok("catalog", "limits", "MLBB_ID_5", "--max-loss", "500", "--json")), &l); err != nil {
			t.Fatal(err)
		}
		if l.Code != "MLBB_ID_5" || !l.Own || l.MaxLoss != 500 || l.LowestPrice == 0 || l.MaxPrice != l.LowestPrice+500 {
			t.Fatalf("limits %+v", l)
		}
		if out := k.ok("catalog", "limits"); !strings.Contains(out, "MLBB_ID_5") || !strings.Contains(out, "500") || !strings.Contains(out, "default") {
			t.Fatalf("list:\n%s", out)
		}
		list, err := storetest.OpenURL(t, k.db).AuditList(context.Background(), store.AuditFilter{Action: "catalog.limits"})
		if err != nil || len(list) != 1 || !strings.Contains(list[0].Target, "MLBB_ID_5") {
			t.Fatalf("audit rows %+v %v", list, err)
		}
		k.ok("catalog", "limits", "MLBB_ID_5", "--max-loss", "default")
		if out := k.ok("catalog", "limits", "MLBB_ID_5"); !strings.Contains(out, "default") {
			t.Fatalf("show after default:\n%s", out)
		}
		for _, bad := range [][]string{{"catalog", "limits", "MLBB_ID_5", "--max-loss", "-1"}, {"catalog", "limits", "--max-loss", "5"},
			{"catalog", "limits", "MLBB_ID_5", "--max-loss", "x"}} {
			if r := k.run(bad...); r.code != 2 {
				t.Errorf("%v: exit %d", bad, r.code)
			}
		}
		if r := k.run("catalog", "limits", "NOPE"); r.code != 1 {
			t.Errorf("unknown variant: exit %d", r.code)
		}

		// Whether successes need an SN: prepaid by default; a variant's own rule; back to default.
		if out := k.ok("catalog", "limits", "MLBB_ID_5"); !strings.Contains(out, "true (default)") {
			t.Fatalf("default sn rule:\n%s", out)
		}
		var sn core.VariantLimits
		if err := json.Unmarshal([]byte(k.ok("catalog", "limits", "MLBB_ID_5", "--sn-required", "false", "--json")), &sn); err != nil {
			t.Fatal(err)
		}
		if sn.SNRequired || !sn.SNOwn {
			t.Fatalf("sn rule set: %+v", sn)
		}
		k.ok("catalog", "limits", "MLBB_ID_5", "--sn-required", "default")
		if out := k.ok("catalog", "limits", "MLBB_ID_5"); !strings.Contains(out, "true (default)") {
			t.Fatalf("sn rule back to default:\n%s", out)
		}
		for _, bad := range [][]string{{"catalog", "limits", "MLBB_ID_5", "--sn-required", "maybe"}, {"catalog", "limits", "--sn-required", "true"}} {
			if r := k.run(bad...); r.code != 2 {
				t.Errorf("%v: exit %d", bad, r.code)
			}
		}
	})
}
