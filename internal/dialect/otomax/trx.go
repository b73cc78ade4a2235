package otomax

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	wire "github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/textcmd"
)

// maxField bounds memberID, product, pin and password, and maxSign the sign: longer values are
// no one's, and an answer echoes the product.
const (
	maxField = 64
	maxSign  = 128
)

// trx serves a transaction, or with check=1 its status.
func (h *handler) trx(w http.ResponseWriter, r *http.Request) {
	var q trxQuery
	if !h.read(w, r, &q) {
		return
	}
	req := q.Request
	res := h.authenticate(w, r, creds{memberID: req.MemberID, sign: req.Sign, pin: req.PIN, password: req.Password,
		signed: func(pin, password string) string {
			return wire.Sign(req.MemberID, req.Product, req.Dest, req.RefID, pin, password)
		}})
	if res == nil {
		return
	}
	ctx := r.Context()
	if req.Check {
		h.status(w, r, res, req)
		return
	}
	code := strings.ToUpper(req.Product)
	refuse := func(why string) {
		bal, err := h.svc.Balance(ctx, res.ID)
		if err != nil {
			h.fault(w, r, err)
			return
		}
		h.write(w, textcmd.RefusalAnswer(req.RefID, code, req.Dest, why, bal))
	}
	// A resent transaction (Otomax resends on a timeout) is answered from its order before any
	// rule of today is applied to it: a product switched off or renamed since must not make an
	// order that exists read as failed.
	if o, err := h.svc.OrderByReference(ctx, res.ID, req.RefID); err == nil {
		if !strings.EqualFold(o.VariantCode, req.Product) || o.Destination != req.Dest {
			refuse(textcmd.RefusalReason(order.ErrReferenceConflict, req.Product, req.Dest))
			return
		}
		bal, err := h.svc.Balance(ctx, res.ID)
		if err != nil {
			h.fault(w, r, err)
			return
		}
		h.write(w, textcmd.FinalAnswer(o, bal))
		return
	} else if !errors.Is(err, order.ErrNotFound) {
		h.fault(w, r, err)
		return
	}
	if req.Qty > 1 {
		// Kios's products are fixed denominations: a count is one order per refID.
		refuse("qty lebih dari 1 tidak didukung; kirim satu transaksi per refID")
		return
	}
	v, err := h.variant(r, req.Product)
	if errors.Is(err, catalog.ErrVariantNotFound) {
		refuse("Produk " + code + " tidak dikenal")
		return
	}
	if err != nil {
		h.fault(w, r, err)
		return
	}
	placed, err := h.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: res, VariantCode: v.Code, Reference: req.RefID,
		Destination: req.Dest, Dialect: Dialect, RefField: "refID", CodeField: "product", DestField: "dest"})
	if err != nil {
		if why := refusalReason(err, v.Code, req.Product, req.Dest); why != "" {
			refuse(why)
			return
		}
		h.fault(w, r, err)
		return
	}
	bal, err := h.svc.BalanceAfter(ctx, placed)
	if !placed.Created {
		// A resent refID is a status check; its balance is today's.
		bal, err = h.svc.Balance(ctx, res.ID)
	}
	if err != nil {
		h.fault(w, r, err)
		return
	}
	h.write(w, textcmd.FinalAnswer(placed.Order, bal))
}

// refusalReason words a refusal of an order of variant (the catalogue's code; product as the
// caller typed it) to dest: the text channels' reason, except for a second order of the day, whose
// advice there (KODE.2.TUJUAN.PIN) has no form in this dialect. "" is a fault, not a refusal. The
// registration's error table is this function, so docs/REFUSALS.md shows the wire's words.
func refusalReason(err error, variant, product, dest string) string {
	if errors.Is(err, order.ErrMultiRefused) {
		return "Sudah ada transaksi " + variant + " ke " + dest + " hari ini; produk ini hanya sekali sehari per nomor"
	}
	return textcmd.RefusalReason(err, product, dest)
}

// status answers check=1: the order under refID as the text channel shows it. An unknown refID
// is said so without a status word: the transaction may still be on its way.
func (h *handler) status(w http.ResponseWriter, r *http.Request, res *reseller.Reseller, req wire.Request) {
	ctx := r.Context()
	o, err := h.svc.OrderByReference(ctx, res.ID, req.RefID)
	if err != nil && !errors.Is(err, order.ErrNotFound) {
		h.fault(w, r, err)
		return
	}
	bal, berr := h.svc.Balance(ctx, res.ID)
	if berr != nil {
		h.fault(w, r, berr)
		return
	}
	if o == nil {
		h.write(w, "R#"+req.RefID+" "+strings.ToUpper(req.Product)+"."+req.Dest+" tidak ditemukan. Saldo: "+textcmd.Amount(bal))
		return
	}
	h.write(w, textcmd.FinalAnswer(o, bal))
}

// variant finds a variant by a code in any case: as given, then upper, then lower case (Otomax
// operators type codes either way).
func (h *handler) variant(r *http.Request, code string) (*catalog.VariantRow, error) {
	var err error
	for _, c := range []string{code, strings.ToUpper(code), strings.ToLower(code)} {
		var v *catalog.VariantRow
		if v, err = h.svc.Variant(r.Context(), c); err == nil {
			return v, nil
		}
		if !errors.Is(err, catalog.ErrVariantNotFound) {
			return nil, err
		}
	}
	return nil, err
}

var errTooLong = errors.New("nilai terlalu panjang")

func bounded(vals ...string) error {
	for _, v := range vals {
		if len(v) > maxField || !utf8.ValidString(v) {
			return errTooLong
		}
	}
	return nil
}

// formatReason words a malformed request's error for the answer.
func formatReason(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "otomax: ")
	s = strings.ReplaceAll(s, "a required parameter is missing", "parameter wajib tidak ada")
	s = strings.ReplaceAll(s, "a parameter is invalid", "parameter tidak valid")
	return s
}
