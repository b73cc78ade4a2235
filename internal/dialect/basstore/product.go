package basstore

import (
	"context"
	"net/http"

	"github.com/kios-h2h/kios/internal/reseller"

	wire "github.com/kios-h2h/kios/client/basstore"
)

// products answers /api/v1/product. It takes no body.
func (h *handler) products(ctx context.Context, _ *http.Request, _ *reseller.Reseller) (any, error) {
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
