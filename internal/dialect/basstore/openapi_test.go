package basstore_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/dialect/basstore"
	"github.com/kios-h2h/kios/internal/dialect/openapitest"
)

// TestOpenAPI checks the dialect's OpenAPI description against the wire: every golden answer is a
// valid answer of the endpoint it came from (a refusal, of the endpoint its name says, else of
// /api/v1/order: the envelope is the same on every path), and the golden tests' requests are valid
// requests.
func TestOpenAPI(t *testing.T) {
	spec := openapitest.New(t, basstore.Registration().OpenAPI)
	auth := http.Header{"Authorization": {"Bearer key"}}
	files, err := filepath.Glob("testdata/golden/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("goldens: %v %d", err, len(files))
	}
	for _, f := range files {
		answer, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var env struct{ Code int }
		if err := json.Unmarshal(answer, &env); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		spec.Answer(t, openapitest.Call{Method: http.MethodPost, Target: goldenPath(name), Header: auth,
			Body: []byte(`{}`), Status: env.Code, Answer: answer})
	}
	for _, c := range []struct{ path, body string }{
		{"/api/v1/balance", ""},
		{"/api/v1/product", ""},
		{"/api/v1/variant", `{"code":"mobile-legends"}`},
		{"/api/v1/order", `{"code":"MLBB_ID_5","referenceNumber":"ref-001","data":"12345678(1234)"}`},
		{"/api/v1/status-order/KIOS-250101-ABCDEF", ""},
		{"/api/v1/check-id", `{"code":"MLBB_ID_5","data":" 12345678(1234) "}`},
	} {
		call := openapitest.Call{Method: http.MethodPost, Target: c.path, Header: auth}
		if c.body != "" {
			call.Body = []byte(c.body)
		}
		spec.Request(t, call)
	}
}

// goldenPath is the endpoint a golden answer's name says it came from.
func goldenPath(name string) string {
	for _, p := range []struct{ word, path string }{
		{"balance", "/api/v1/balance"},
		{"product", "/api/v1/product"},
		{"variant", "/api/v1/variant"},
		{"status", "/api/v1/status-order/KIOS-250101-ABCDEF"},
	} {
		if strings.HasPrefix(name, p.word) || strings.Contains(name, "-"+p.word) {
			if p.word == "product" && strings.HasPrefix(name, "error-") {
				break // a product refused in an order
			}
			return p.path
		}
	}
	return "/api/v1/order"
}
