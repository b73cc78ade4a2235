package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/shop"
)

// The storefront's invoices (issue 19): the refunds owed with the buyers' contacts, and the
// record of a refund paid back (what kios shop invoices and kios shop refund do).

func (h *handler) routeShop(mux *http.ServeMux) {
	a := func(pattern string, fn identified) { mux.Handle(pattern, h.api(fn)) }
	a("GET /admin/api/shop/invoices", h.apiShopInvoices)
	a("POST /admin/api/shop/invoices/{invoice}/refund", h.apiShopRefund)
	a("GET /admin/api/catalog/require-valid-id", h.apiRequireValidIDList)
	a("PUT /admin/api/catalog/products/{code}/require-valid-id", h.apiRequireValidID)
	a("PUT /admin/api/catalog/products/{code}/destination", h.apiProductDest)
	a("PUT /admin/api/catalog/products/{code}/image", h.apiProductImage)
}

// shopInvoiceView is an invoice as the admin API lists it: with the buyer's contact in full.
type shopInvoiceView struct {
	Invoice   string    `json:"invoice"`
	Status    string    `json:"status"`
	Variant   string    `json:"variant"`
	Product   string    `json:"product"`
	Data      string    `json:"data"`
	Amount    int64     `json:"amount"`
	Paid      int64     `json:"paid_amount"`
	Method    string    `json:"method"`
	Phone     string    `json:"phone"`
	Email     string    `json:"email"`
	Order     string    `json:"order"`
	SN        string    `json:"sn"`
	Reason    string    `json:"reason"`
	Flag      string    `json:"flag"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	PaidAt    time.Time `json:"paid_at,omitzero"`
}

func viewShopInvoice(v *shop.Invoice) shopInvoiceView {
	return shopInvoiceView{Invoice: v.Code, Status: v.Status, Variant: v.VariantCode, Product: v.ProductName, Data: v.Destination, Amount: v.Amount,
		Paid: v.PaidAmount, Method: v.Method, Phone: v.Phone, Email: v.Email, Order: v.OrderInvoice, SN: v.SN, Reason: v.Reason, Flag: v.Flag,
		CreatedAt: v.CreatedAt, ExpiresAt: v.ExpiresAt, PaidAt: v.PaidAt}
}

// apiShopInvoices is GET /admin/api/shop/invoices?status=failed&limit=N.
func (h *handler) apiShopInvoices(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	q := r.URL.Query()
	f := shop.Filter{Status: q.Get("status"), Phone: q.Get("phone")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	if f.Limit > 1000 {
		f.Limit = 1000
	}
	list, err := h.svc.ShopInvoices(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]shopInvoiceView, 0, len(list))
	for i := range list {
		out = append(out, viewShopInvoice(&list[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"invoices": out})
}

// apiShopRefund is POST /admin/api/shop/invoices/{invoice}/refund {"note": how it went back}.
func (h *handler) apiShopRefund(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Note string `json:"note"`
	}
	if !decode(w, r, &req) {
		return
	}
	if req.Note == "" {
		writeError(w, http.StatusBadRequest, "note is required: say how the money went back", "note")
		return
	}
	code := r.PathValue("invoice")
	ctx := h.audited(r, id, "shop.refund", "invoice:"+code, req)
	v, err := h.svc.ShopRefund(ctx, code, req.Note)
	switch {
	case errors.Is(err, shop.ErrInvoiceNotFound):
		writeError(w, http.StatusNotFound, err.Error(), "")
	case errors.Is(err, core.ErrShopNotRefundable):
		writeError(w, http.StatusConflict, err.Error(), "")
	case err != nil:
		h.fail(w, r, err)
	default:
		writeJSON(w, http.StatusOK, viewShopInvoice(v))
	}
}

// apiRequireValidID is PUT /admin/api/catalog/products/{code}/require-valid-id {"on": bool}:
// when on, an order whose ID the check says does not exist is refused before any hold.
func (h *handler) apiRequireValidID(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		On *bool `json:"on"`
	}
	if !decode(w, r, &req) {
		return
	}
	if req.On == nil {
		writeError(w, http.StatusBadRequest, "on must be true or false", "on")
		return
	}
	code := r.PathValue("code")
	ctx := h.audited(r, id, "catalog.require-valid-id", "product:"+code, req)
	if err := h.svc.SetRequireValidID(ctx, code, *req.On); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"product": code, "require_valid_id": *req.On})
}

// apiProductDest is PUT /admin/api/catalog/products/{code}/destination {"format", "pattern"}:
// the destination's fields and what it must match (catalog.Product.DestFormat); empty strings
// put the product back to one ID or number.
func (h *handler) apiProductDest(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Format  string `json:"format"`
		Pattern string `json:"pattern"`
	}
	if !decode(w, r, &req) {
		return
	}
	code := r.PathValue("code")
	ctx := h.audited(r, id, "catalog.destination", "product:"+code, req)
	if err := h.svc.SetProductDest(ctx, code, req.Format, req.Pattern); err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.svc.Product(r.Context(), code)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, productViewOf(p))
}

// apiProductImage is PUT /admin/api/catalog/products/{code}/image {"url"}: the URL of the
// product's picture, which the store shows resized ("" removes it).
func (h *handler) apiProductImage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		URL string `json:"url"`
	}
	if !decode(w, r, &req) {
		return
	}
	code := r.PathValue("code")
	ctx := h.audited(r, id, "catalog.image", "product:"+code, req)
	if err := h.svc.SetProductImage(ctx, code, req.URL); err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.svc.Product(r.Context(), code)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, productViewOf(p))
}

// apiRequireValidIDList is GET /admin/api/catalog/require-valid-id: the products with it on.
func (h *handler) apiRequireValidIDList(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	list, err := h.svc.ProductsRequiringValidID(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if list == nil {
		list = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"products": list})
}
