package cli_test

import (
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/store/storetest"
)

// kios migrate works on PostgreSQL as on SQLite: status before, up, status after.
func TestMigratePostgres(t *testing.T) {
	t.Parallel()
	for _, b := range storetest.Backends() {
		if b.Name != "postgres" {
			continue
		}
		k := &kios{t: t, db: b.URL(t)}
		if out := k.ok("migrate", "status"); !migrationLine(out, "00001_init.sql", "pending") || strings.Contains(out, " 0 pending") {
			t.Errorf("migrate status of a new schema: %q", out)
		}
		if out := k.ok("migrate", "up"); !strings.Contains(out, "applied 00001") || !strings.Contains(out, " 0 pending") {
			t.Errorf("migrate up: %q", out)
		}
		if out := k.ok("migrate", "status"); !migrationLine(out, "00001_init.sql", "applied") || !strings.Contains(out, " 0 pending") {
			t.Errorf("migrate status: %q", out)
		}
		// The schema it made is the one the server uses.
		if out := k.ok("reseller", "create", "--name", "After Migrate", "--json"); !strings.Contains(out, `"username"`) {
			t.Errorf("reseller create after migrate: %q", out)
		}
		return
	}
	t.Skip("needs PostgreSQL: set " + storetest.PostgresEnv)
}
