package basstore

import (
	"context"
	"encoding/json"
	"net/http"

	wire "github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
)

// CallbackPost renders an order's callback as BASSTORE sends it: the order exactly as
// /api/v1/status-order shows it, with X-Kios-Event: update, X-Kios-Delivery: delivery and
// X-Kios-Signature keyed with the reseller's api key. It is the registry's fallback form, for
// orders placed outside any dialect too.
func CallbackPost(_ context.Context, _ *core.Service, o *order.Order, apiKey, delivery string) ([]byte, http.Header, error) {
	body, err := json.Marshal(wire.Envelope{Code: http.StatusOK, Message: wire.MessageSuccess, Data: orderStatus(o)})
	if err != nil {
		return nil, nil, err
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "Kios-Callback/1")
	h.Set(wire.HeaderEvent, "update")
	h.Set(wire.HeaderDelivery, delivery)
	h.Set(wire.HeaderSignature, wire.CallbackSignature(body, apiKey))
	return body, h, nil
}
