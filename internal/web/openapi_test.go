package web_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/dialect/openapitest"
	"github.com/kios-h2h/kios/internal/web"
)

// adminSpec is the admin API's description, ready to check calls against.
func adminSpec(t testing.TB) *openapitest.Spec { return openapitest.New(t, web.OpenAPI()) }

var routePattern = regexp.MustCompile(`^(GET|POST|PUT|PATCH|DELETE) (/admin/api/\S*)$`)

// The description holds exactly the admin API's routes: every "METHOD /admin/api/…" pattern this
// package's code registers is an operation of it, and every operation is a route. A new endpoint
// fails here until it is described (internal/web/openapi.json; docs/ADMIN.md says what it takes).
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && routePattern.MatchString(s) {
					routes[s] = true
				}
			}
			return true
		})
	}
	if len(routes) < 70 {
		t.Fatalf("found %d routes in the source: the pattern no longer matches how routes are written", len(routes))
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(web.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	described := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			described[strings.ToUpper(m)+" "+p] = true
		}
	}
	for r := range routes {
		if !described[r] {
			t.Errorf("route %s is not described in openapi.json", r)
		}
	}
	for d := range described {
		if !routes[d] {
			t.Errorf("openapi.json describes %s, which no route serves", d)
		}
	}
}

// The admin listener serves its API's description, and the public one when given, without
// credentials; the description is a valid OpenAPI 3.1 document (adminSpec fails otherwise).
func TestOpenAPIServed(t *testing.T) {
	adminSpec(t)
	e := setup(t, web.Options{PublicOpenAPI: []byte(`{"openapi":"3.1.0"}`)})
	for path, want := range map[string]string{"/admin/api/openapi.json": string(web.OpenAPI()), "/openapi.json": `{"openapi":"3.1.0"}`} {
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" || string(b) != want {
			t.Errorf("GET %s: %d %s %.80q", path, resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
	}
	// Without PublicOpenAPI there is no /openapi.json on the admin listener.
	e = setup(t, web.Options{})
	resp, err := http.Get(e.srv.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Errorf("GET /openapi.json without a public description: %d", resp.StatusCode)
	}
}

// The endpoints no other test of this package calls, each called once through the checking
// server (setup), so every admin endpoint has a request and an answer checked against the
// description.
func TestOpenAPIRepresentativeCalls(t *testing.T) {
	e := setup(t, web.Options{})
	for _, c := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"GET", "/admin/api/openapi.json", nil, http.StatusOK},
		{"GET", "/admin/api/suppliers/stats?supplier=pusat", nil, http.StatusOK},
		{"POST", "/admin/api/routing", map[string]string{"policy": "fastest"}, http.StatusOK},
		{"POST", "/admin/api/routing", map[string]string{"product": "mobile-legends", "policy": "balanced"}, http.StatusOK},
		{"GET", "/admin/api/routing", nil, http.StatusOK},
		{"POST", "/admin/api/prefixes", map[string]string{"prefix": "0811", "operator": "Telkomsel"}, http.StatusOK},
		{"GET", "/admin/api/prefixes", nil, http.StatusOK},
		{"DELETE", "/admin/api/prefixes/0811", nil, http.StatusNoContent},
		{"PUT", "/admin/api/catalog/products/mobile-legends/require-valid-id", map[string]bool{"on": true}, http.StatusOK},
		{"GET", "/admin/api/catalog/require-valid-id", nil, http.StatusOK},
		{"GET", "/admin/api/shop/invoices?status=failed&limit=10", nil, http.StatusOK},
		{"POST", "/admin/api/shop/invoices/INV-NONE/refund", map[string]string{"note": "sent back"}, http.StatusNotFound},
	} {
		if st, b := e.call(c.method, c.path, e.token, c.body); st != c.want {
			t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, st, c.want, b)
		}
	}
}
