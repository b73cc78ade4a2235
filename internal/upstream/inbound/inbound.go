// Package inbound receives suppliers' callbacks at POST /callback/{supplier} (and the report-back
// GETs of Otomax/IRS centers at GET /callback/{supplier}): the supplier's connector checks the
// signature (or key) and reads the outcome, and core applies it to the attempt as a status poll
// would, so a final answer settles the order without waiting for the next poll.
package inbound

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
)

// MaxBody bounds a callback's body.
const MaxBody = 64 << 10

// Suppliers finds a registered supplier's connection by name (route.Router does): beneath the
// router's breaker, since reading a callback buys nothing.
type Suppliers interface {
	Connector(ctx context.Context, name string) (supplier.Connection, bool)
}

// Handler serves POST /callback/{supplier}.
func Handler(svc *core.Service, sups Suppliers, log *slog.Logger) http.Handler {
	if log == nil {
		log = svc.Logger()
	}
	h := &handler{svc: svc, sups: sups, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /callback/{supplier}", h.serve)
	mux.HandleFunc("GET /callback/{supplier}", h.serveQuery)
	return mux
}

type handler struct {
	svc  *core.Service
	sups Suppliers
	log  *slog.Logger
}

// upstream finds the connector of the supplier the path names (beneath the router's breaker);
// it answers 404 itself when there is none.
func (h *handler) upstream(w http.ResponseWriter, r *http.Request) (string, supplier.Connection, bool) {
	name := r.PathValue("supplier")
	sup, ok := h.sups.Connector(r.Context(), name)
	if !ok {
		http.Error(w, "unknown supplier", http.StatusNotFound)
		return name, nil, false
	}
	return name, sup, true
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request) {
	name, sup, ok := h.upstream(w, r)
	if !ok {
		return
	}
	if !sup.Offers(supplier.CanCallback) {
		http.Error(w, "supplier sends no callbacks", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		http.Error(w, "body too large or unreadable", http.StatusBadRequest)
		return
	}
	ref, res, err := sup.ReadCallback(r.Header, body)
	if errors.Is(err, supplier.ErrBadSignature) {
		h.log.Warn("supplier callback with a bad signature", "supplier", name, "peer", r.RemoteAddr)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if err != nil {
		h.log.Warn("supplier callback unreadable", "supplier", name, "err", err)
		http.Error(w, "unreadable callback", http.StatusBadRequest)
		return
	}
	h.resolve(w, r, name, ref, res)
}

// serveQuery reads a report-back GET.
func (h *handler) serveQuery(w http.ResponseWriter, r *http.Request) {
	name, sup, ok := h.upstream(w, r)
	if !ok {
		return
	}
	if !sup.Offers(supplier.CanCallbackQuery) {
		http.Error(w, "supplier sends no report-back", http.StatusNotFound)
		return
	}
	ref, res, err := sup.ReadCallbackQuery(r.URL.Query())
	if errors.Is(err, supplier.ErrBadSignature) {
		h.log.Warn("supplier report-back with a bad key", "supplier", name, "peer", r.RemoteAddr)
		http.Error(w, "bad key", http.StatusUnauthorized)
		return
	}
	if err != nil {
		h.log.Warn("supplier report-back unreadable", "supplier", name, "err", err)
		http.Error(w, "unreadable report", http.StatusBadRequest)
		return
	}
	h.resolve(w, r, name, ref, res)
}

// resolve applies a callback's outcome to the attempt under ref.
func (h *handler) resolve(w http.ResponseWriter, r *http.Request, name, ref string, res supplier.Result) {
	// The work is the database's: finish it even if the supplier hangs up.
	err := h.svc.ResolveAttempt(context.WithoutCancel(r.Context()), name, ref, res)
	switch {
	case errors.Is(err, core.ErrUnknownReference), errors.Is(err, store.ErrNotFound):
		http.Error(w, "unknown reference", http.StatusNotFound)
	case err != nil:
		h.log.Error("supplier callback", "supplier", name, "ref", ref, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	default:
		h.log.Info("supplier callback", "supplier", name, "ref", ref, "state", res.State)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`+"\n")
	}
}
