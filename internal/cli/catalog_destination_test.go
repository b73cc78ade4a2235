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

// TestCatalogDestination: a product's destination format and pattern are shown, set (audited),
// cleared; a bad pattern, a format without its pattern and an unknown product change nothing.
func TestCatalogDestination(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		file := filepath.Join(t.TempDir(), "catalog.csv")
		if err := os.WriteFile(file, []byte(catalogCSV), 0o600); err != nil {
			t.Fatal(err)
		}
		k.ok("catalog", "import", file)
		type dest struct{ Code, Format, Pattern string }
		show := func(code string) dest {
			t.Helper()
			var d dest
			if err := json.Unmarshal([]byte(k.ok("catalog", "destination", code, "--json")), &d); err != nil {
				t.Fatal(err)
			}
			return d
		}
		if d := show("mobile-legends"); d.Format != "{user_id:User ID}({zone_id:Zone ID})" || d.Pattern != `^\d{6,12}\(\d{1,6}\)$` {
			t.Fatalf("imported destination: %+v", d)
		}
		k.ok("catalog", "destination", "telkomsel", "--format", "{msisdn:Nomor HP}", "--pattern", `^08\d{8,11}$`)
		if d := show("telkomsel"); d.Format != "{msisdn:Nomor HP}" || d.Pattern != `^08\d{8,11}$` {
			t.Fatalf("set destination: %+v", d)
		}
		if out := k.ok("catalog", "destination", "telkomsel"); !strings.Contains(out, "Nomor HP") {
			t.Fatalf("shown: %s", out)
		}
		list, err := storetest.OpenURL(t, k.db).AuditList(context.Background(), store.AuditFilter{Action: "catalog.destination"})
		if err != nil || len(list) != 1 || !strings.Contains(list[0].Target, "telkomsel") {
			t.Fatalf("audit rows (the reads are not audited) %+v %v", list, err)
		}
		for _, bad := range []struct {
			args []string
			code int
		}{
			{[]string{"catalog", "destination", "telkomsel", "--format", "", "--pattern", "^(unclosed$"}, 1},
			{[]string{"catalog", "destination", "telkomsel", "--format", "{a:A}"}, 2},
			{[]string{"catalog", "destination"}, 2},
			{[]string{"catalog", "destination", "nope", "--format", "", "--pattern", ""}, 1},
		} {
			if r := k.run(bad.args...); r.code != bad.code {
				t.Errorf("%v: exit %d, want %d (%s)", bad.args, r.code, bad.code, r.stderr)
			}
		}
		if d := show("telkomsel"); d.Format != "{msisdn:Nomor HP}" || d.Pattern != `^08\d{8,11}$` {
			t.Fatalf("a refused change changed it: %+v", d)
		}
		k.ok("catalog", "destination", "telkomsel", "--format", "", "--pattern", "")
		if d := show("telkomsel"); d.Format != "" || d.Pattern != "" {
			t.Fatalf("cleared: %+v", d)
		}
	})
}
