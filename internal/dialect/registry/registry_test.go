package registry_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/openapitest"
	"github.com/kios-h2h/kios/internal/dialect/registry"
)

// The registry's error tables: every refusal of an order the core can give has an answer of its
// own in every registered dialect, wrapped or not. A new dialect that misses one fails here.
func TestEveryDialectMapsEveryOrderRefusal(t *testing.T) {
	for _, d := range registry.Default().All() {
		if d.Refusal == nil {
			t.Errorf("%s: no error table", d.Name)
			continue
		}
		// The table tells a refusal from a fault: an error nobody mapped has no answer.
		if answer, ok := d.Refusal(errors.New("disk on fire")); ok {
			t.Errorf("%s: a fault answered as a refusal: %q", d.Name, answer)
		}
		for _, err := range core.OrderRefusals() {
			for _, e := range []error{err, fmt.Errorf("place order: %w", err)} {
				if answer, ok := d.Refusal(e); !ok || answer == "" {
					t.Errorf("%s: %v has no answer of its own (%q)", d.Name, e, answer)
				}
			}
		}
	}
}

// Every dialect is served somewhere and can tell its resellers of a final order.
func TestEveryDialectIsComplete(t *testing.T) {
	for _, d := range registry.Default().All() {
		if len(d.Routes) == 0 || d.Handler == nil {
			t.Errorf("%s: not served", d.Name)
		}
		if d.Callback.Post == nil && d.Callback.Get == nil {
			t.Errorf("%s: no callback form", d.Name)
		}
	}
}

// The public description (GET /openapi.json) is one valid OpenAPI 3.1 document holding every
// dialect's operations, and the golden answers still validate against the merged whole.
func TestOpenAPIDocument(t *testing.T) {
	doc, err := registry.Default().OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	spec := openapitest.New(t, doc)
	var d struct{ Paths map[string]any }
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	for _, dl := range registry.Default().All() {
		if dl.OpenAPI == nil {
			t.Logf("%s: no OpenAPI description yet", dl.Name)
			continue
		}
		var own struct{ Paths map[string]any }
		if err := json.Unmarshal(dl.OpenAPI, &own); err != nil {
			t.Fatalf("%s: %v", dl.Name, err)
		}
		for p := range own.Paths {
			if d.Paths[p] == nil {
				t.Errorf("%s: %s missing from the merged document", dl.Name, p)
			}
		}
	}
	answer, err := os.ReadFile("../basstore/testdata/golden/balance.json")
	if err != nil {
		t.Fatal(err)
	}
	spec.Answer(t, openapitest.Call{Method: http.MethodPost, Target: "/api/v1/balance", Header: http.Header{"Authorization": {"Bearer k"}},
		Status: http.StatusOK, Answer: answer})
}
