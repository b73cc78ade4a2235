package web

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"net/http"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/dialect/otomax"
)

// apiResellerOtomax is `kios reseller otomax`: POST /admin/api/resellers/{username}/otomax with
// {"pin": "NNNN", "plain": false} gives the reseller Otomax "via IP" access (no pin: a random
// 6-digit one, answered once), {"off": true} takes it away. The PIN is never audited.
func (h *handler) apiResellerOtomax(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	username := r.PathValue("username")
	var req struct {
		PIN   string `json:"pin"`
		Plain bool   `json:"plain"`
		Off   bool   `json:"off"`
	}
	if !decode(w, r, &req) {
		return
	}
	if req.Off {
		ctx := h.audited(r, id, "reseller.otomax", "reseller:"+username, map[string]bool{"off": true})
		had, err := otomax.RemoveMember(ctx, h.svc, username)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"username": username, "removed": had})
		return
	}
	made := req.PIN == ""
	if made {
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		req.PIN = fmt.Sprintf("%06d", n.Int64())
	}
	ctx := h.audited(r, id, "reseller.otomax", "reseller:"+username, map[string]bool{"plain": req.Plain})
	if err := otomax.SetMember(ctx, h.svc, username, req.PIN, req.Plain); err != nil {
		if errors.Is(err, otomax.ErrPIN) {
			writeError(w, http.StatusBadRequest, err.Error(), "pin")
			return
		}
		h.fail(w, r, err)
		return
	}
	resp := map[string]any{"username": username, "member_id": username, "plain": req.Plain}
	if made {
		resp["pin"] = req.PIN
	}
	writeJSON(w, http.StatusOK, resp)
}
