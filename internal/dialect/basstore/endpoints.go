package basstore

import (
	"context"
	"net/http"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"

	wire "github.com/kios-h2h/kios/client/basstore"
)

// balance answers /api/v1/balance. It takes no body.
func (h *handler) balance(ctx context.Context, _ http.ResponseWriter, _ *http.Request, rs *reseller.Reseller) (any, error) {
	bal, err := h.svc.Balance(ctx, rs.ID)
	if err != nil {
		return nil, err
	}
	return wire.Balance{Name: rs.Name, Email: rs.Email, Telp: rs.Phone, Membership: rs.Membership, Balance: bal}, nil
}

// products answers /api/v1/product. It takes no body.
func (h *handler) products(ctx context.Context, _ http.ResponseWriter, _ *http.Request, _ *reseller.Reseller) (any, error) {
	ps, err := h.svc.Products(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]wire.Product, 0, len(ps))
	for _, p := range ps {
		out = append(out, wire.Product{Code: p.Code, Name: p.Name, IsActive: p.Active})
	}
	return out, nil
}

// variants answers /api/v1/variant {code}: the product's prepaid variants at the caller's prices.
// A variant with no price for the caller's tier is left out: the caller could not order it.
func (h *handler) variants(ctx context.Context, w http.ResponseWriter, r *http.Request, rs *reseller.Reseller) (any, error) {
	var req wire.VariantRequest
	if err := h.decodeBody(w, r, &req); err != nil {
		return nil, err
	}
	if req.Code == "" {
		return nil, &core.FieldError{Field: "code", Reason: "is required"}
	}
	// The caller's own prices (a downline's are its upline's plus markups: core.Pricer).
	pr, err := h.svc.PricerFor(ctx, rs)
	if err != nil {
		return nil, err
	}
	// The answer is the same for every caller of a price key (a tier, or one downline): kept
	// encoded (see package pricecache).
	body, err := h.prices.Get(req.Code+"\x00"+pr.CacheKey(), h.svc.PriceListVersion, h.svc.Now, func() ([]byte, error) {
		// Waiting callers share this build, so it must not end with its first caller.
		out, err := h.variantList(context.WithoutCancel(ctx), req.Code, pr)
		if err != nil {
			return nil, err
		}
		return encodeSuccess(out)
	})
	if err != nil {
		return nil, err
	}
	return encoded(body), nil
}

// variantList reads a product's prepaid variants at pr's prices from the catalog.
func (h *handler) variantList(ctx context.Context, code string, pr *core.Pricer) ([]wire.Variant, error) {
	p, err := h.svc.Product(ctx, code)
	if err != nil {
		return nil, err
	}
	vs, err := h.svc.Variants(ctx, catalog.VariantFilter{ProductCode: p.Code, Kind: catalog.Prepaid})
	if err != nil {
		return nil, err
	}
	now := h.svc.Now()
	out := make([]wire.Variant, 0, len(vs))
	for i := range vs {
		v := &vs[i]
		price, ok := pr.PriceFor(&v.Variant)
		if !ok {
			continue
		}
		active := wire.VariantInactive
		if v.Sellable(p.Active, now) == nil && !v.Down && (v.UnlimitedStock || v.Stock > 0) {
			active = wire.VariantActive
		}
		d := v.ProcessDuration
		if d == "" {
			d = "0"
		}
		out = append(out, wire.Variant{ID: v.ID, Code: v.Code, Name: v.Name, IsActive: active, Price: price, ProcessDuration: d})
	}
	return out, nil
}

// order answers /api/v1/order {code, referenceNumber, data}. A repeat of an earlier order under
// the same referenceNumber answers that order's invoice, charging nothing.
func (h *handler) order(ctx context.Context, w http.ResponseWriter, r *http.Request, rs *reseller.Reseller) (any, error) {
	var req wire.OrderRequest
	if err := h.decodeBody(w, r, &req); err != nil {
		return nil, err
	}
	placed, err := h.svc.PlaceOrder(ctx, core.PlaceParams{
		Reseller:    rs,
		VariantCode: req.Code,
		Reference:   req.ReferenceNumber,
		Destination: req.Data,
		Dialect:     Dialect,
		RefField:    "referenceNumber",
		CodeField:   "code",
		DestField:   "data",
	})
	if err != nil {
		return nil, err
	}
	return wire.OrderAnswer{InvoiceNumber: placed.Order.Invoice}, nil
}

// status answers /api/v1/status-order/{invoice}, for the caller's own orders only: another
// reseller's invoice is as unknown as one that does not exist.
func (h *handler) status(ctx context.Context, _ http.ResponseWriter, r *http.Request, rs *reseller.Reseller) (any, error) {
	o, err := h.svc.Order(ctx, rs.ID, r.PathValue("invoice"))
	if err != nil {
		return nil, err
	}
	return orderStatus(o), nil
}

func orderStatus(o *order.Order) wire.OrderStatus {
	return wire.OrderStatus{
		InvoiceNumber:   o.Invoice,
		ProductName:     o.ProductName,
		UserData:        o.Destination,
		StatusCode:      string(o.Status),
		ReferenceNumber: o.Reference,
		Code:            o.VariantCode,
		Price:           o.Price,
		SN:              o.SN,
		Message:         o.Message,
		CreatedAt:       jakarta(o.CreatedAt),
		UpdatedAt:       jakarta(o.UpdatedAt),
	}
}

// jakarta shows a time as Indonesian clients expect it, to the second.
func jakarta(t time.Time) time.Time { return t.In(catalog.Jakarta).Truncate(time.Second) }
