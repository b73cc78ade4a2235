package textcmd

import (
	"context"
	"errors"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
)

// The downline tree's commands (issue 21).

// transfer runs TRANS.ID.JUMLAH.PIN: the amount from the sender's balance to its direct downline
// ID. The reference is R#REF when given, else the message's own (a redelivered message finds its
// transfer instead of sending again), so a transfer is sent once whatever the transport does.
func (s *session) transfer(ctx context.Context) (string, error) {
	ref := s.reference(0, 1)
	res, err := s.e.svc.TransferDown(ctx, core.TransferParams{Upline: s.r, Downline: s.c.Arg, Amount: s.c.Amount, Reference: ref,
		Actor: s.m.Channel + ":" + s.m.Sender})
	if why := transferRefusal(err); why != "" {
		bal, berr := s.e.svc.Balance(ctx, s.r.ID)
		if berr != nil {
			return "", berr
		}
		return "R#" + ref + " TRANS " + s.c.Arg + " " + num(s.c.Amount) + " GAGAL. " + why + ". Saldo: " + num(bal), nil
	}
	if err != nil {
		return "", err
	}
	head := "R#" + ref + " TRANS " + res.Downline.Username + " " + num(res.Transfer.Amount)
	if !res.Created {
		return head + " sudah berhasil sebelumnya. Saldo: " + num(res.Balance), nil
	}
	return head + " BERHASIL. Saldo: " + num(res.Balance), nil
}

// transferRefusal says in Indonesian why a transfer was refused; "" for no error or one that is
// not a refusal.
func transferRefusal(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, core.ErrNotYourDownline):
		return "Hanya bisa ke downline langsung Anda"
	case errors.Is(err, order.ErrInsufficientBalance):
		return "Saldo tidak cukup"
	case errors.Is(err, core.ErrTransferReference):
		return "R#REF sudah dipakai untuk transfer lain"
	}
	if fe, ok := core.IsFieldError(err); ok {
		switch fe.Field {
		case "downline":
			if fe.Reason == "is not active" {
				return "Downline sedang ditangguhkan"
			}
			return "ID tidak dikenal"
		case "amount":
			return "Jumlah tidak sah"
		}
		return "Data salah: " + fe.Error()
	}
	return ""
}

// exchange runs TUKAR.PIN: the sender's accrued commission (its commission account) into its
// balance, all of it. Sent twice, the second moves what came since, or nothing.
func (s *session) exchange(ctx context.Context) (string, error) {
	moved, err := s.e.svc.ExchangeCommission(ctx, s.r.ID)
	if err != nil {
		return "", err
	}
	bal, err := s.e.svc.Balance(ctx, s.r.ID)
	if err != nil {
		return "", err
	}
	if moved == 0 {
		return "Tidak ada komisi untuk ditukar. Saldo: " + num(bal), nil
	}
	return "Komisi " + num(moved) + " ditukar ke saldo. Saldo: " + num(bal), nil
}
