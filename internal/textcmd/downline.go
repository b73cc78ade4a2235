package textcmd

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
)

// The downline tree's commands (issue 21).

// transfer runs TRANS.ID.JUMLAH.PIN: the amount from the sender's balance to a downline below it
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
		return "Hanya bisa ke downline Anda (di bawah Anda)"
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

// register runs REG.NAMA.NOHP.MARKUP.PIN: a new direct downline of the sender, named NAMA (its
// username made from it), charged MARKUP over the sender's price, within the operator's depth
// and max_markup. It gets a PIN, told here once (the downline changes it with GP), and its
// number NOHP is bound on WhatsApp so it can order from it at once (unless another reseller
// has that number).
func (s *session) register(ctx context.Context) (string, error) {
	wa, err := NormalizeID(WhatsApp, s.c.Phone)
	if err != nil {
		return "REG GAGAL. NOHP tidak sah.", nil
	}
	rec, _ := json.Marshal(map[string]any{"name": s.c.Name, "phone": wa, "markup": s.c.Amount, "message": Mask(s.m.Text)})
	actx := audit.With(ctx, audit.Entry{Actor: s.m.Channel + ":" + s.m.Sender, Action: "downline.register",
		Target: "reseller:" + s.r.Username, After: string(rec)})
	cr, err := s.e.svc.CreateReseller(actx, core.NewReseller{Name: s.c.Name, Phone: wa, Upline: s.r.Username, Markup: s.c.Amount})
	if why := treeRefusal(err); why != "" {
		return "REG " + s.c.Name + " GAGAL. " + why + ".", nil
	}
	if err != nil {
		return "", err
	}
	pin, err := newPIN()
	if err != nil {
		return "", err
	}
	if err := s.e.setPIN(ctx, cr.Reseller.ID, pin); err != nil {
		return "", err
	}
	bound := "WhatsApp " + wa + " terikat"
	if _, _, err := s.e.Bind(ctx, cr.Reseller.Username, WhatsApp, wa); errors.Is(err, reseller.ErrIdentityTaken) {
		bound = "WhatsApp " + wa + " sudah dipakai akun lain, tidak diikat"
	} else if err != nil {
		return "", err
	}
	s.e.log.Info("downline registered in text", "upline", s.r.Username, "downline", cr.Reseller.Username, "markup", s.c.Amount)
	return "REG BERHASIL. ID: " + cr.Reseller.Username + ", markup " + num(s.c.Amount) + ", PIN " + pin +
		" (ganti dengan GP.PINLAMA.PINBARU). " + bound + ".", nil
}

// setMarkup runs MP.ID.KODE=N,KODE=N.PIN: the markups of the sender's direct downline ID per
// product or variant (a variant code first, then a product code), all or none.
func (s *session) setMarkup(ctx context.Context) (string, error) {
	ms := make([]core.MarkupSet, 0, len(s.c.Markups))
	var shown []string
	for _, it := range s.c.Markups {
		m := core.MarkupSet{Downline: s.c.Arg, Upline: s.r.Username, Rupiah: it.Rupiah}
		if v, err := s.e.variant(ctx, it.Code); err == nil {
			m.Variant = v.Code
		} else if !errors.Is(err, catalog.ErrVariantNotFound) {
			return "", err
		} else if p, err := s.e.product(ctx, it.Code); err == nil {
			m.Product = p
		} else {
			return "MP " + s.c.Arg + " GAGAL. Kode " + strings.ToUpper(it.Code) + " tidak dikenal.", nil
		}
		ms = append(ms, m)
		shown = append(shown, strings.ToUpper(it.Code)+"="+num(it.Rupiah))
	}
	err := s.e.svc.SetDownlineMarkups(ctx, ms)
	if why := treeRefusal(err); why != "" {
		return "MP " + s.c.Arg + " GAGAL. " + why + ".", nil
	}
	if err != nil {
		return "", err
	}
	return "MP " + s.c.Arg + " BERHASIL: " + strings.Join(shown, ", ") + ".", nil
}

// product finds a product by a code typed in any case.
func (e *Engine) product(ctx context.Context, code string) (string, error) {
	var err error
	for _, c := range []string{code, strings.ToLower(code), strings.ToUpper(code)} {
		var p *catalog.Product
		if p, err = e.svc.Product(ctx, c); err == nil {
			return p.Code, nil
		}
	}
	return "", err
}

// treeRefusal says in Indonesian why registering a downline or setting its markup was refused;
// "" for no error or one that is not a refusal.
func treeRefusal(err error) string {
	var fe *core.FieldError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, core.ErrNotYourDownline), errors.Is(err, core.ErrNotDownline):
		return "Hanya untuk downline langsung Anda"
	case errors.Is(err, core.ErrDepthLimit):
		return "Kedalaman jaringan downline sudah maksimal"
	case errors.Is(err, core.ErrMarkupAboveMax):
		return "Markup melebihi batas distributor"
	case errors.Is(err, reseller.ErrUsernameTaken):
		return "NAMA sudah dipakai"
	case errors.As(err, &fe):
		if fe.Field == "reseller" {
			return "ID tidak dikenal"
		}
		return "Data salah: " + fe.Error()
	}
	return ""
}

// newPIN is a random 6-digit PIN.
func newPIN() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("new pin: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}
