package otomax

import (
	"errors"
	"net/http"

	wire "github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/textcmd"
)

// balance serves GET /otomax/balance: the text channel's SAL answer, "Saldo USERNAME: 1.000.000".
func (h *handler) balance(w http.ResponseWriter, r *http.Request) {
	req, err := wire.ParseBalanceRequest(r.URL.Query())
	if err == nil {
		err = bounded(req.MemberID, req.PIN, req.Password)
	}
	if err == nil && len(req.Sign) > maxSign {
		err = errors.New("sign terlalu panjang")
	}
	if err != nil {
		h.write(w, "GAGAL. Format salah: "+formatReason(err))
		return
	}
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
