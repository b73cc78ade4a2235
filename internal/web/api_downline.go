package web

import (
	"errors"
	"net/http"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
)

// The downline tree's admin API (issue 21): an admin acts for an upline.

func (h *handler) routeDownlineAPI(mux *http.ServeMux) {
	a := func(pattern string, fn identified) { mux.Handle(pattern, h.api(fn)) }
	a("GET /admin/api/resellers/{username}/transfers", h.apiTransfers)
	a("POST /admin/api/resellers/{username}/transfers", h.apiTransfer)
	a("GET /admin/api/resellers/{username}/downlines", h.apiDownlines)
	a("GET /admin/api/resellers/{username}/markup", h.apiDownlineMarkups)
	a("POST /admin/api/resellers/{username}/markup", h.apiDownlineMarkupSet)
}

// apiDownlines is GET /admin/api/resellers/{username}/downlines: its direct downlines.
func (h *handler) apiDownlines(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	res, err := h.svc.Reseller(r.Context(), r.PathValue("username"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ds, err := h.svc.DirectDownlines(r.Context(), res.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"downlines": ds})
}

// apiDownlineMarkups is GET /admin/api/resellers/{username}/markup: what the downline's upline
// charges it (400 for a top reseller).
func (h *handler) apiDownlineMarkups(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	m, err := h.svc.MarkupsOf(r.Context(), r.PathValue("username"))
	if err != nil {
		h.downlineFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// apiDownlineMarkupSet is POST /admin/api/resellers/{username}/markup {"product"|"variant"?,
// "rupiah"}: the downline's default markup, or its override on one product or variant (kios
// markup set --reseller), within max_markup; audited downline.markup.
func (h *handler) apiDownlineMarkupSet(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Product string `json:"product"`
		Variant string `json:"variant"`
		Rupiah  *int64 `json:"rupiah"`
	}
	if !decode(w, r, &req) {
		return
	}
	if req.Rupiah == nil {
		writeError(w, http.StatusBadRequest, "rupiah is required", "rupiah")
		return
	}
	username := r.PathValue("username")
	if _, err := h.svc.Reseller(r.Context(), username); err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := h.audited(r, id, "downline.markup", "reseller:"+username, req)
	err := h.svc.SetDownlineMarkup(ctx, core.MarkupSet{Downline: username, Product: req.Product, Variant: req.Variant, Rupiah: *req.Rupiah})
	if errors.Is(err, core.ErrMarkupAboveMax) {
		writeError(w, http.StatusBadRequest, core.ErrMarkupAboveMax.Error(), "rupiah")
		return
	}
	if err != nil {
		h.downlineFail(w, r, err)
		return
	}
	m, err := h.svc.MarkupsOf(r.Context(), username)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// downlineFail answers the tree's refusals, and the rest as fail does.
func (h *handler) downlineFail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, core.ErrNotBelow):
		writeError(w, http.StatusForbidden, core.ErrNotBelow.Error(), "downline")
	case errors.Is(err, core.ErrNotYourDownline):
		writeError(w, http.StatusForbidden, core.ErrNotYourDownline.Error(), "downline")
	case errors.Is(err, core.ErrTransferReference):
		writeError(w, http.StatusConflict, core.ErrTransferReference.Error(), "reference")
	case errors.Is(err, core.ErrDepthLimit):
		writeError(w, http.StatusBadRequest, core.ErrDepthLimit.Error(), "upline")
	case errors.Is(err, core.ErrMarkupAboveMax):
		writeError(w, http.StatusBadRequest, core.ErrMarkupAboveMax.Error(), "markup")
	case errors.Is(err, core.ErrNotDownline):
		writeError(w, http.StatusBadRequest, core.ErrNotDownline.Error(), "reseller")
	default:
		h.fail(w, r, err)
	}
}

// apiTransfers is GET /admin/api/resellers/{username}/transfers: the transfers it sent or
// received, newest first.
func (h *handler) apiTransfers(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	res, err := h.svc.Reseller(r.Context(), r.PathValue("username"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ts, err := h.svc.Transfers(r.Context(), res.ID, 200)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	vs, err := h.svc.ViewTransfers(r.Context(), ts...)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"transfers": vs})
}

// apiTransfer is POST /admin/api/resellers/{username}/transfers {"downline","amount","reference"}:
// the upline {username} sends amount to a downline below it (direct or further down). 201 with the transfer; 200 with
// "created": false when the reference named one made before (nothing moved).
func (h *handler) apiTransfer(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Downline  string `json:"downline"`
		Amount    int64  `json:"amount"`
		Reference string `json:"reference"`
	}
	if !decode(w, r, &req) {
		return
	}
	up, err := h.svc.Reseller(r.Context(), r.PathValue("username"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a := h.actor(r, id)
	res, err := h.svc.TransferDown(r.Context(), core.TransferParams{Upline: up, Downline: req.Downline, Amount: req.Amount,
		Reference: req.Reference, Actor: a.Name, IP: a.IP})
	if err != nil {
		h.downlineFail(w, r, err)
		return
	}
	vs, err := h.svc.ViewTransfers(r.Context(), *res.Transfer)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{"transfer": vs[0], "created": res.Created, "balance": res.Balance})
}
