package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/kios-h2h/kios/internal/app"
)

// GET /openapi.json answers the public APIs' OpenAPI 3.1 description, every dialect's paths in it,
// on the public listener and on the admin listener, which also serves the admin API's.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	a, _ := runApp(t, app.Config{DB: "sqlite:" + filepath.Join(t.TempDir(), "kios.db"), AdminAddr: "127.0.0.1:0"})
	for _, base := range []string{a.BaseURL(), a.AdminURL()} {
		checkOpenAPI(t, base+"/openapi.json", "/api/v1/order")
	}
	checkOpenAPI(t, a.AdminURL()+"/admin/api/openapi.json", "/admin/api/orders/{invoice}")
}

func checkOpenAPI(t *testing.T, url, path string) {
	t.Helper()
	resp, err := http.Get(url)
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
	if doc.OpenAPI != "3.1.0" || doc.Paths[path] == nil {
		t.Fatalf("%s: openapi %q, %d paths, none %s", url, doc.OpenAPI, len(doc.Paths), path)
	}
}
