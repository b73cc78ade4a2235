package digiswitch

import (
	"context"
	"encoding/json"
	"errors"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/bill"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
)

// CallbackBody returns the body to POST to an order's callback URL when it placed through this
// dialect reaches a final state: {"data": …} with the fields of the transaction's answer (the
// postpaid shape for a bill payment), balance as of now. Sign it with ds.CallbackSignature and the
// reseller's api key.
func CallbackBody(ctx context.Context, svc *core.Service, o *order.Order) ([]byte, error) {
	bal, err := svc.Balance(ctx, o.ResellerID)
	if err != nil {
		return nil, err
	}
	in, paid, err := svc.BillStatus(ctx, o.ResellerID, o.Reference)
	switch {
	case err == nil && paid != nil && paid.ID == o.ID:
		return json.Marshal(ds.Envelope[ds.PostpaidResponse]{Data: PostpaidData(in, o, bal)})
	case err == nil, errors.Is(err, bill.ErrNotInquired), errors.Is(err, bill.ErrNotPaid):
		return json.Marshal(ds.Envelope[ds.TransactionResponse]{Data: TransactionData(o, bal)})
	default:
		return nil, err
	}
}
