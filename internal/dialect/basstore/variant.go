package basstore

import (
	"context"
	"net/http"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"

	wire "github.com/kios-h2h/kios/client/basstore"
)

// variants answers /api/v1/variant {code}: the product's prepaid variants at the caller's prices.
// A variant with no price for the caller's tier is left out: the caller could not order it.
func (h *handler) variants(ctx context.Context, r *http.Request, rs *reseller.Reseller) (any, error) {
	var req wire.VariantRequest
	if err := h.decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.Code == "" {
		return nil, &core.FieldError{Field: "code", Reason: "is required"}
	}
	p, err := h.svc.Product(ctx, req.Code)
	if err != nil {
		return nil, err
	}
	vs, err := h.svc.Variants(ctx, store.VariantFilter{ProductCode: p.Code, Kind: catalog.Prepaid})
	if err != nil {
		return nil, err
	}
	now := h.svc.Now()
	out := make([]wire.Variant, 0, len(vs))
	for i := range vs {
		v := &vs[i]
		price, ok := v.PriceFor(rs.Membership)
		if !ok {
			continue
		}
		active := wire.VariantInactive
		if v.Sellable(p.Active, now) == nil && (v.UnlimitedStock || v.Stock > 0) {
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
