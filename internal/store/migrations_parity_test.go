package store_test

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// The SQLite and PostgreSQL migration sets have the same versions, with the same names: a
// migration written for one backend only would leave the other's schema behind, and goose (no
// allow-missing) refuses to apply a version below the highest one applied.
func TestMigrationSetsMatch(t *testing.T) {
	read := func(dir string) []string {
		t.Helper()
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".sql") {
				names = append(names, e.Name())
			}
		}
		slices.Sort(names)
		return names
	}
	lite, pg := read("sqlite/migrations"), read("postgres/migrations")
	if len(lite) == 0 {
		t.Fatal("no migrations found")
	}
	if !slices.Equal(lite, pg) {
		for _, n := range lite {
			if !slices.Contains(pg, n) {
				t.Errorf("%s is a SQLite migration without its PostgreSQL twin", n)
			}
		}
		for _, n := range pg {
			if !slices.Contains(lite, n) {
				t.Errorf("%s is a PostgreSQL migration without its SQLite twin", n)
			}
		}
	}
	seen := map[string]string{}
	for _, n := range lite {
		v, _, _ := strings.Cut(n, "_")
		if prev, dup := seen[v]; dup {
			t.Errorf("version %s twice: %s and %s", v, prev, n)
		}
		seen[v] = n
	}
}
