// Package digiswitch serves the Digiswitch-style H2H 1.0 API over the core. Wire types live in
// the public package client/digiswitch, shared with its Go client.
package digiswitch

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

// New returns the handler for POST /v1/user/api/... (stub until the dialect lands).
func New(svc *core.Service, opts Options) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not implemented", http.StatusNotImplemented)
	})
}
