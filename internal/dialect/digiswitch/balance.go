package digiswitch

import (
	"net/http"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
)

func (h *handler) balance(w http.ResponseWriter, r *http.Request) {
	var req ds.BalanceRequest
	if err := h.decode(w, r, &req); err != nil {
		h.refuse(w, ds.ErrorData{}, ds.RCPayload, err.Error())
		return
	}
	if err := required("username", req.Username, "sign", req.Sign); err != nil {
		h.refuse(w, ds.ErrorData{}, ds.RCPayload, err.Error())
		return
	}
	res := h.authenticate(w, r, req.Username, req.Sign, ds.SuffixDeposit, ds.ErrorData{})
	if res == nil {
		return
	}
	bal, err := h.svc.Balance(r.Context(), res.ID)
	if err != nil {
		h.fail(w, r, ds.ErrorData{}, err)
		return
	}
	h.write(w, ds.BalanceResponse{Deposit: bal})
}

func (h *handler) deposit(w http.ResponseWriter, r *http.Request) {
	var req ds.DepositRequest
	if err := h.decode(w, r, &req); err != nil {
		h.refuse(w, ds.ErrorData{}, ds.RCPayload, err.Error())
		return
	}
	if err := required("username", req.Username, "sign", req.Sign); err != nil {
		h.refuse(w, ds.ErrorData{}, ds.RCPayload, err.Error())
		return
	}
	if req.Amount == 0 {
		h.refuse(w, ds.ErrorData{}, ds.RCPayload, "Field amount wajib diisi")
		return
	}
	res := h.authenticate(w, r, req.Username, req.Sign, ds.SuffixDeposit, ds.ErrorData{})
	if res == nil {
		return
	}
	if req.Method != "" {
		// Kios extension: paid through a payment gateway, credited when it reports the payment.
		v, notes, pay, err := flazzserver.DepositPay(r.Context(), h.svc, res, req.Amount, req.Method)
		if err != nil {
			h.fail(w, r, ds.ErrorData{}, err)
			return
		}
		h.write(w, ds.DepositResponse{RC: ds.RCSuccess, Amount: v.Amount, Notes: notes, Payment: pay})
		return
	}
	t, err := h.svc.OpenTicket(r.Context(), core.DepositParams{Reseller: res, Amount: req.Amount, Bank: req.Bank, OwnerName: req.OwnerName})
	if err != nil {
		h.fail(w, r, ds.ErrorData{}, err)
		return
	}
	h.write(w, ds.DepositResponse{RC: ds.RCSuccess, Amount: t.Amount, Notes: t.Notes})
}
