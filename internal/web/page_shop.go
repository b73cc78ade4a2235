package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/shop"
)

// The store's refunds owed (issue 19) on the dashboard: what `kios shop invoices --status failed`
// and GET /admin/api/shop/invoices?status=failed list, with the buyer's contact, and the form
// that records a refund paid back (`kios shop refund`), CSRF-checked like every dashboard form.

func (h *handler) shopRefundsPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	owed, err := h.svc.ShopInvoices(r.Context(), shop.Filter{Status: shop.Failed, Limit: 1000})
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	refunded, err := h.svc.ShopInvoices(r.Context(), shop.Filter{Status: shop.Refunded, Limit: 50})
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	var total int64
	for _, v := range owed {
		total += v.PaidAmount
	}
	h.render(w, r, id, "refunds", "Refunds owed", map[string]any{"Owed": owed, "Refunded": refunded, "Total": total})
}

func (h *handler) shopRefundPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	const back = "/admin/shop/refunds"
	code := r.PathValue("invoice")
	note := strings.TrimSpace(r.PostFormValue("note"))
	if note == "" {
		h.failed(w, r, back, &core.FieldError{Field: "note", Reason: "is required: say how the money went back"})
		return
	}
	ctx := h.audited(r, id, "shop.refund", "invoice:"+code, map[string]string{"note": note})
	_, err := h.svc.ShopRefund(ctx, code, note)
	if errors.Is(err, shop.ErrInvoiceNotFound) || errors.Is(err, core.ErrShopNotRefundable) {
		// Someone else recorded it first, or the code is wrong: say so rather than a server error.
		err = &core.FieldError{Field: "invoice " + code, Reason: err.Error()}
	}
	if err != nil {
		h.failed(w, r, back, err)
		return
	}
	h.done(w, r, back, "Refund of "+code+" recorded")
}
