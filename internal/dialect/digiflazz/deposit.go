package digiflazz

import (
	"net/http"

	wire "github.com/kios-h2h/kios/client/digiflazz"
)

// deposit serves deposit: a ticket with the exact amount to transfer.
//
// TODO(deposit tickets): the core's deposit tickets (open/approve/match) land with the
// Digiswitch-style dialect; until then a valid request is refused with rc 02 and a message saying
// why, and nothing is recorded.
func (h *handler) deposit(w http.ResponseWriter, r *http.Request) {
	var req wire.DepositRequest
	if ref := h.decode(r, &req); ref != nil {
		h.refuseSimple(w, r, ref)
		return
	}
	if _, ref := h.authenticate(r.Context(), r, req.Username, req.Sign, wire.SuffixDeposit); ref != nil {
		h.refuseSimple(w, r, ref)
		return
	}
	if req.Amount <= 0 {
		h.refuseSimple(w, r, refuse(wire.RCPayload, "Payload error: amount harus lebih dari 0"))
		return
	}
	if req.Bank == "" {
		h.refuseSimple(w, r, refuse(wire.RCPayload, "Payload error: bank wajib diisi"))
		return
	}
	if req.OwnerName == "" {
		h.refuseSimple(w, r, refuse(wire.RCPayload, "Payload error: owner_name wajib diisi"))
		return
	}
	h.refuseSimple(w, r, refuse(wire.RCFailed, "Tiket deposit belum tersedia di server ini; hubungi admin untuk deposit"))
}
