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
}

// downlineFail answers the tree's refusals, and the rest as fail does.
func (h *handler) downlineFail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
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
// the upline {username} sends amount to its direct downline. 201 with the transfer; 200 with
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
