package digiflazz

import (
	"net/http"

	wire "github.com/kios-h2h/kios/client/digiflazz"
)

// balance serves cek-saldo: the reseller's available balance.
func (h *handler) balance(w http.ResponseWriter, r *http.Request) {
	var req wire.BalanceRequest
	if ref := h.decode(w, r, &req); ref != nil {
		h.refuseSimple(w, r, ref)
		return
	}
	res, ref := h.authenticate(r.Context(), r, req.Username, req.Sign, wire.SuffixBalance)
	if ref != nil {
		h.refuseSimple(w, r, ref)
		return
	}
	if req.Cmd != "" && req.Cmd != wire.CmdDeposit {
		h.refuseSimple(w, r, refuse(wire.RCPayload, `Payload error: cmd harus "deposit"`))
		return
	}
	bal, err := h.svc.Balance(r.Context(), res.ID)
	if err != nil {
		h.refuseSimple(w, r, faultOf(err))
		return
	}
	h.write(w, http.StatusOK, wire.BalanceData{Deposit: bal})
}
