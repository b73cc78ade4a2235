package basstore

import (
	"context"
	"net/http"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"

	wire "github.com/kios-h2h/kios/client/basstore"
)

// order answers /api/v1/order {code, referenceNumber, data}. A repeat of an earlier order under
// the same referenceNumber answers that order's invoice, charging nothing.
func (h *handler) order(ctx context.Context, r *http.Request, rs *reseller.Reseller) (any, error) {
	var req wire.OrderRequest
	if err := h.decodeBody(r, &req); err != nil {
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
