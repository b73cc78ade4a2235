package basstore

import (
	"context"
	"net/http"

	"github.com/kios-h2h/kios/internal/reseller"

	wire "github.com/kios-h2h/kios/client/basstore"
)

// balance answers /api/v1/balance. It takes no body.
func (h *handler) balance(ctx context.Context, _ *http.Request, rs *reseller.Reseller) (any, error) {
	bal, err := h.svc.Balance(ctx, rs.ID)
	if err != nil {
		return nil, err
	}
	return wire.Balance{Name: rs.Name, Email: rs.Email, Telp: rs.Phone, Membership: rs.Membership, Balance: bal}, nil
}
