package web

import (
	_ "embed"
	"net/http"
)

// openAPI is the admin API's OpenAPI 3.1 description: every /admin/api/ endpoint, its parameters,
// request body and answers. The package's tests check every call they make against it, and that
// it describes exactly the routes this package registers, so it cannot drift from the code.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI is the admin API's OpenAPI 3.1 description (JSON), served on the admin listener at
// GET /admin/api/openapi.json.
func OpenAPI() []byte { return openAPI }

// serveJSON answers GET with doc, a JSON document. It asks no credentials: the descriptions say
// what the API is, which the source does too, and nothing about the data behind it.
func serveJSON(doc []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(doc)
	})
}
