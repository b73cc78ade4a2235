package digiswitch

import (
	"context"
	"encoding/json"
	"net/http"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/order"
)

// CallbackBody returns the body to POST to an order's callback URL when it placed through this
// dialect reaches a final state: {"data": …} with the fields of the transaction's answer (the
// postpaid shape for a bill payment), balance as of now. Sign it with ds.CallbackSignature and the
// reseller's api key.
func CallbackBody(ctx context.Context, svc *core.Service, o *order.Order) ([]byte, error) {
	f, err := flazzserver.FinalOf(ctx, svc, o)
	if err != nil {
		return nil, err
	}
	if f.Bill != nil {
		return json.Marshal(ds.Envelope[ds.PostpaidResponse]{Data: PostpaidData(f.Bill, o, f.Balance)})
	}
	return json.Marshal(ds.Envelope[ds.TransactionResponse]{Data: TransactionData(o, f.Balance)})
}

// CallbackPost renders an order's callback: CallbackBody with X-Kios-Event: update,
// X-Kios-Delivery: delivery and X-Hub-Signature keyed with the reseller's api key.
func CallbackPost(ctx context.Context, svc *core.Service, o *order.Order, apiKey, delivery string) ([]byte, http.Header, error) {
	body, err := CallbackBody(ctx, svc, o)
	if err != nil {
		return nil, nil, err
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "Kios-Callback/1")
	h.Set(ds.HeaderEvent, "update")
	h.Set(ds.HeaderDelivery, delivery)
	h.Set(ds.HeaderSignature, ds.CallbackSignature(body, apiKey))
	return body, h, nil
}
