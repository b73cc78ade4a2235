package digiflazz

import (
	"context"
	"net/http"
	"strings"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
)

// BankAccount is an account of the distributor's that resellers transfer deposits to; its bank is
// matched to the request's ignoring case, and "" as payment method means "Transfer Bank".
type BankAccount = core.BankAccount

// Banks is a fixed list of accounts.
type Banks = core.Banks

// deposit serves deposit: a ticket with the exact amount to transfer (the requested amount plus a
// unique tail) and the note to put on the transfer. The balance is credited once, when an
// operator approves the ticket or a bank statement import matches its amount.
func (h *handler) deposit(w http.ResponseWriter, r *http.Request) {
	var req wire.DepositRequest
	if ref := h.decode(w, r, &req); ref != nil {
		h.refuseSimple(w, r, ref)
		return
	}
	res, ref := h.authenticate(r.Context(), r, req.Username, req.Sign, wire.SuffixDeposit)
	if ref != nil {
		h.refuseSimple(w, r, ref)
		return
	}
	if req.Amount <= 0 {
		h.refuseSimple(w, r, refuse(wire.RCPayload, "Payload error: amount wajib diisi"))
		return
	}
	if req.Method != "" {
		// Kios extension: paid through a payment gateway, credited when it reports the payment.
		v, notes, pay, err := flazzserver.DepositPay(r.Context(), h.svc, res, req.Amount, req.Method)
		if err != nil {
			h.refuseSimple(w, r, refusalOf(err))
			return
		}
		h.write(w, http.StatusOK, wire.DepositData{RC: wire.RCSuccess, Bank: v.Gateway, PaymentMethod: v.Method, AccountNo: v.PayCode,
			Amount: v.Amount, Notes: notes, Payment: pay})
		return
	}
	if strings.TrimSpace(req.Bank) == "" {
		h.refuseSimple(w, r, refuse(wire.RCPayload, "Payload error: bank wajib diisi"))
		return
	}
	if strings.TrimSpace(req.OwnerName) == "" {
		h.refuseSimple(w, r, refuse(wire.RCPayload, "Payload error: owner_name wajib diisi"))
		return
	}
	banks, err := h.banks(r.Context())
	if err != nil {
		h.refuseSimple(w, r, faultOf(err))
		return
	}
	acct, ok := bankAccount(banks, req.Bank)
	if !ok {
		h.refuseSimple(w, r, refuse(wire.RCPayload, "Payload error: bank tidak tersedia; pilih "+bankNames(banks)))
		return
	}
	t, err := h.svc.OpenTicket(r.Context(), core.DepositParams{Reseller: res, Amount: req.Amount, Bank: acct.Bank, OwnerName: req.OwnerName})
	if err != nil {
		h.refuseSimple(w, r, refusalOf(err))
		return
	}
	h.write(w, http.StatusOK, wire.DepositData{RC: wire.RCSuccess, Bank: acct.Bank, PaymentMethod: acct.PaymentMethod,
		AccountNo: acct.AccountNo, Amount: t.Amount, Notes: t.Notes})
}

// banks are the distributor's accounts now.
func (h *handler) banks(ctx context.Context) ([]BankAccount, error) {
	if h.opts.Banks == nil {
		return nil, nil
	}
	return h.opts.Banks.BankAccounts(ctx)
}

// bankAccount finds the account at bank. With none configured any bank is taken as named,
// without an account number (the operator gives it to resellers some other way).
func bankAccount(banks []BankAccount, bank string) (BankAccount, bool) {
	bank = strings.TrimSpace(bank)
	if len(banks) == 0 {
		return BankAccount{Bank: strings.ToUpper(bank), PaymentMethod: core.DefaultPaymentMethod}, true
	}
	for _, a := range banks {
		if strings.EqualFold(a.Bank, bank) {
			if a.PaymentMethod == "" {
				a.PaymentMethod = core.DefaultPaymentMethod
			}
			return a, true
		}
	}
	return BankAccount{}, false
}

func bankNames(banks []BankAccount) string {
	names := make([]string, len(banks))
	for i, a := range banks {
		names[i] = a.Bank
	}
	return strings.Join(names, ", ")
}
