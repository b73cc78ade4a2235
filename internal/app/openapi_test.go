package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/kios-h2h/kios/internal/app"
)

// GET /openapi.json answers the public APIs' OpenAPI 3.1 description, every dialect's paths in it.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	a, _ := runApp(t, app.Config{DB: "sqlite:" + filepath.Join(t.TempDir(), "kios.db")})
	resp, err := http.Get(a.BaseURL() + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s: %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var doc struct {
		OpenAPI string
		Paths   map[string]any
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Paths["/api/v1/order"] == nil {
		t.Fatalf("openapi %q, %d paths", doc.OpenAPI, len(doc.Paths))
	}
}
