// Package webasset holds the vendored front-end files both browser areas serve (the admin
// dashboard and the member area): htmx, embedded, so no page loads anything from a CDN.
package webasset

import (
	"embed"
	"net/http"
)

//go:embed htmx.min.js
var files embed.FS

// HtmxVersion is the version of the vendored htmx.min.js (npm package htmx.org; see VENDORED).
const HtmxVersion = "2.0.11"

// Htmx serves htmx.min.js, cached for an hour.
func Htmx() http.Handler {
	return CacheStatic(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, files, "htmx.min.js")
	}))
}

// SecurityHeaders are sent with every answer of a browser area: no framing (clickjacking), no
// sniffing, no referrer leaking invoices, and a CSP that allows only this origin's scripts and
// styles.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}

// CacheStatic lets browsers keep static files for an hour.
func CacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}
