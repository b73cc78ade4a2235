package dialect

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// OpenAPI merges the registered dialects' descriptions into one OpenAPI 3.1 document of Kios's
// public APIs: their paths, and their components (each dialect names its own with its prefix, so
// none collide; a collision is an error, not an override).
func (r *Registry) OpenAPI() ([]byte, error) {
	return MergeOpenAPI(map[string]any{
		"title":       "Kios public APIs",
		"version":     "1",
		"description": "Every reseller dialect Kios serves, in one document; each dialect's operations are tagged with its name.",
	}, r.descriptions()...)
}

func (r *Registry) descriptions() [][]byte {
	var docs [][]byte
	for _, d := range r.all {
		if d.OpenAPI != nil {
			docs = append(docs, d.OpenAPI)
		}
	}
	return docs
}

// MergeOpenAPI is one OpenAPI 3.1 document with info, and the paths and components of docs.
func MergeOpenAPI(info map[string]any, docs ...[]byte) ([]byte, error) {
	paths := map[string]any{}
	components := map[string]map[string]any{}
	for i, raw := range docs {
		var doc struct {
			OpenAPI    string                    `json:"openapi"`
			Paths      map[string]any            `json:"paths"`
			Components map[string]map[string]any `json:"components"`
			Info       struct{ Title string }    `json:"info"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("openapi description %d: %w", i, err)
		}
		if doc.OpenAPI != "3.1.0" {
			return nil, fmt.Errorf("openapi description %q: version %q, want 3.1.0", doc.Info.Title, doc.OpenAPI)
		}
		for p, item := range doc.Paths {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("openapi: path %s described twice", p)
			}
			paths[p] = item
		}
		for kind, set := range doc.Components {
			if components[kind] == nil {
				components[kind] = map[string]any{}
			}
			for name, c := range set {
				if _, dup := components[kind][name]; dup {
					return nil, fmt.Errorf("openapi: components.%s.%s described twice", kind, name)
				}
				components[kind][name] = c
			}
		}
	}
	out := map[string]any{"openapi": "3.1.0", "info": info, "paths": paths}
	if len(components) > 0 {
		out["components"] = components
	}
	return json.MarshalIndent(out, "", "  ")
}

// ServeOpenAPI answers GET with doc, a JSON OpenAPI document.
func ServeOpenAPI(doc []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(doc)
	})
}
