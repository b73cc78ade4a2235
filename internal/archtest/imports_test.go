package archtest

import (
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const mod = "github.com/kios-h2h/kios/"

// known are the rule breakings already on main when the rules were written down (issue 16 item 2
// removes them: the core sealed over its store, domain types and not-found errors out of store).
// A new breaking fails the test; one that is gone is reported, so the list can shrink.
var known = map[string]bool{}

// storeFree are the core's callers that reach the store only through core services (issue 16
// item 2): they import no store package.
var storeFree = []string{"internal/web", "internal/callback", "internal/member", "internal/admin", "internal/textcmd"}

// TestImportRules checks, with go list, the import rules that matter: dialects and web import no
// store package; the core imports no dialect and no connector; the store imports nothing above
// the domain packages; the callback sender and the dialect registry's types import no dialect.
func TestImportRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(f[0], mod) {
			continue
		}
		pkg := strings.TrimPrefix(f[0], mod)
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, mod) {
				imports[pkg] = append(imports[pkg], strings.TrimPrefix(imp, mod))
			}
		}
	}
	if len(imports) < 20 {
		t.Fatalf("go list found %d packages", len(imports))
	}
	under := func(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }
	// A test kit (basstoretest, storetest…) may reach into what it sets up.
	kit := func(pkg string) bool { return strings.HasSuffix(pkg, "test") }
	// A connector is a package under internal/supplier (the interface itself is the domain
	// package below the core); internal/upstream (router, pull, inbound, connect, breaker, the
	// simulator's router) sits above the core and wires connectors in, so the core imports none
	// of it either.
	connector := func(imp string) bool {
		return (under(imp, "internal/supplier") && imp != "internal/supplier") || under(imp, "internal/upstream")
	}
	above := []string{"internal/core", "internal/dialect", "internal/web", "internal/admin", "internal/cli", "internal/app",
		"internal/callback", "internal/member", "internal/storefront", "internal/supplier", "internal/textcmd",
		"internal/channel", "internal/bench", "internal/demo", "internal/metrics", "internal/upstream", "cmd"}
	rules := []struct {
		name   string
		from   func(pkg string) bool
		banned func(imp string) bool
	}{
		{"dialects import no store package",
			func(p string) bool { return under(p, "internal/dialect") && !kit(p) },
			func(i string) bool { return under(i, "internal/store") }},
		{"web and the core's other callers import no store package (they call core services)",
			func(p string) bool {
				for _, c := range storeFree {
					if under(p, c) && !kit(p) {
						return true
					}
				}
				return false
			},
			func(i string) bool { return under(i, "internal/store") }},
		{"the core imports no dialect and no connector",
			func(p string) bool { return under(p, "internal/core") && !kit(p) },
			func(i string) bool { return under(i, "internal/dialect") || connector(i) }},
		{"the store imports nothing above the domain packages",
			func(p string) bool { return under(p, "internal/store") },
			func(i string) bool {
				// internal/supplier itself is a domain package (the Supplier interface, outcome
				// states, the registry's kinds and errors); what is under it is not.
				for _, a := range above {
					if under(i, a) && i != "internal/supplier" {
						return true
					}
				}
				return false
			}},
		{"the callback sender imports no dialect (it renders through the registry)",
			func(p string) bool { return under(p, "internal/callback") },
			func(i string) bool { return under(i, "internal/dialect") && i != "internal/dialect" }},
		{"the dialect registry's types import no dialect",
			func(p string) bool { return p == "internal/dialect" },
			func(i string) bool { return under(i, "internal/dialect") }},
	}
	seen := map[string]bool{}
	pkgs := make([]string, 0, len(imports))
	for p := range imports {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, r := range rules {
		for _, p := range pkgs {
			if !r.from(p) {
				continue
			}
			for _, i := range imports[p] {
				if !r.banned(i) {
					continue
				}
				edge := p + " -> " + i
				seen[edge] = true
				if !known[edge] {
					t.Errorf("%s: %s", r.name, edge)
				}
			}
		}
	}
	for edge := range known {
		if !seen[edge] {
			t.Logf("%s is gone: remove it from known", edge)
		}
	}
}

// cliStoreFiles are the CLI's files that may name the store: the one that opens it and hands it
// to the core (and closes it), and the archive command, which is the store's own maintenance
// work. Every other command goes through core services (issue 16 item 2); the backup and key
// rotation commands use the store the CLI opened without naming the package.
var cliStoreFiles = map[string]bool{"commands.go": true, "archive.go": true}

// TestCLIThroughCore checks, file by file, that the CLI's commands name the store package
// only in cliStoreFiles.
func TestCLIThroughCore(t *testing.T) {
	files, err := filepath.Glob("../cli/*.go")
	if err != nil || len(files) < 20 {
		t.Fatalf("cli files: %v %v", files, err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || cliStoreFiles[filepath.Base(f)] {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			// internal/store/backend, which opens a database by its URL, is the composition's.
			if p := strings.Trim(imp.Path.Value, `"`); p == mod+"internal/store" {
				t.Errorf("%s imports %s: call a core service instead", filepath.Base(f), p)
			}
		}
	}
}
