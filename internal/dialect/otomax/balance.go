package otomax

import (
	"net/http"

	wire "github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/textcmd"
)

// balance serves GET /otomax/balance: the text channel's SAL answer, "Saldo USERNAME: 1.000.000".
func (h *handler) balance(w http.ResponseWriter, r *http.Request) {
	var q balanceQuery
	if !h.read(w, r, &q) {
		return
	}
	req := q.BalanceRequest
	res := h.authenticate(w, r, creds{memberID: req.MemberID, sign: req.Sign, pin: req.PIN, password: req.Password,
		signed: func(pin, password string) string { return wire.SignBalance(req.MemberID, pin, password) }})
	if res == nil {
		return
	}
	bal, err := h.svc.Balance(r.Context(), res.ID)
	if err != nil {
		h.fault(w, r, err)
		return
	}
	h.write(w, textcmd.BalanceAnswer(res.Username, bal))
}
