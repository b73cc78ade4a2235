package basstore

import (
	"context"
	"net/http"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"

	wire "github.com/kios-h2h/kios/client/basstore"
)

// status answers /api/v1/status-order/{invoice}, for the caller's own orders only: another
// reseller's invoice is as unknown as one that does not exist.
func (h *handler) status(ctx context.Context, r *http.Request, rs *reseller.Reseller) (any, error) {
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
