package archtest

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// dbKnown are the packages that still reach the store through core.Service.DB(). Issue 16 item 2
// emptied it and took DB() off the service (the core's own tests have it, export_test.go); the
// test stays, so that a DB() brought back is caught.
var dbKnown = map[string]bool{}

// dbAllowed may hold the store: the core and the store themselves, the wiring that opens them
// (app; the CLI opens its own store, Env.db, for the store's own work: backup, archive,
// secrets), the load generator, and test kits.
func dbAllowed(pkg string) bool {
	for _, p := range []string{"internal/core", "internal/store", "internal/app", "internal/bench"} {
		if pkg == p || strings.HasPrefix(pkg, p+"/") {
			return true
		}
	}
	return strings.HasSuffix(pkg, "test")
}

// dbCall is the core service's DB() as its callers name the service (svc, h.svc).
var dbCall = regexp.MustCompile(`\bsvc\.DB\(\)`)

// TestNoStoreThroughCore fails when a package outside the core, the store, their wiring and the
// test kits takes the store from the core service (svc.DB()) instead of calling the service: what
// the core does to the store goes through its methods, under its lock domains.
func TestNoStoreThroughCore(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	files := 0
	for _, top := range []string{"internal", "cmd", "client"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			files++
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			pkg := filepath.ToSlash(rel)
			if dbAllowed(pkg) || !dbCall.Match(b) {
				return nil
			}
			seen[pkg] = true
			if !dbKnown[pkg] {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s calls DB(): give the core a method for what it needs from the store", rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 100 {
		t.Fatalf("found %d Go files", files)
	}
	var gone []string
	for pkg := range dbKnown {
		if !seen[pkg] {
			gone = append(gone, pkg)
		}
	}
	sort.Strings(gone)
	for _, pkg := range gone {
		t.Logf("%s no longer calls DB(): remove it from dbKnown", pkg)
	}
}
