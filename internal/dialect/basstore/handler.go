// Package basstore serves the BASSTORE-style v1 reseller API over the core. Wire types live in
// the public package client/basstore, shared with its Go client.
package basstore

import (
	"log/slog"
	"net/http"

	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/core"
)

// Options configure the handler.
type Options struct {
	Guard   *access.Guard
	Logger  *slog.Logger
	MaxBody int64 // request body limit in bytes; 0 means 64 KiB
}

// New returns the handler for POST /api/v1/... (stub until the dialect lands).
func New(svc *core.Service, opts Options) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not implemented", http.StatusNotImplemented)
	})
}
