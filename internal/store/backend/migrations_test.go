package backend

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestMigrationSetsMatch: every migration version exists for both backends (embedded from
// migrations/*.sql of each), so a database migrates to the same schema version on either.
func TestMigrationSetsMatch(t *testing.T) {
	t.Parallel()
	versions := func(dir string) []string {
		entries, err := os.ReadDir(filepath.Join("..", dir, "migrations"))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			if v, _, ok := strings.Cut(e.Name(), "_"); ok && strings.HasSuffix(e.Name(), ".sql") {
				if slices.Contains(out, v) {
					t.Errorf("%s: version %s twice", dir, v)
				}
				out = append(out, v)
			}
		}
		if len(out) == 0 {
			t.Fatalf("%s: no migrations", dir)
		}
		return out
	}
	lite, pg := versions("sqlite"), versions("postgres")
	for _, v := range lite {
		if !slices.Contains(pg, v) {
			t.Errorf("version %s has a SQLite migration and no PostgreSQL one", v)
		}
	}
	for _, v := range pg {
		if !slices.Contains(lite, v) {
			t.Errorf("version %s has a PostgreSQL migration and no SQLite one", v)
		}
	}
}
