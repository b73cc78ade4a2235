package digiflazz

import (
	"context"
	"encoding/json"
	"net/http"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/order"
)

// HookshotVersion follows the hookshot's name in the User-Agent of Kios's webhooks.
const HookshotVersion = "kios"

// Webhook is what to POST to an order's callback URL (the reseller's, or the order's cb_url)
// when an order placed through this API reaches a final state.
type Webhook struct {
	Body   []byte
	Header http.Header
}

// WebhookFor builds the webhook of an order: {"data": {…the transaction's answer…, trx_id}} (the
// postpaid shape for a bill payment), with X-Digiflazz-Event: update, X-Digiflazz-Delivery:
// delivery, the hookshot User-Agent (DigiFlazz-Pasca-Hookshot/ for a bill) and, when secret is not
// empty, X-Hub-Signature: sha1=HMAC-SHA1(secret, body). Kios keys the signature with the
// reseller's api key, as its other dialects do. buyer_last_saldo is the balance as of now.
func WebhookFor(ctx context.Context, svc *core.Service, o *order.Order, secret, delivery string) (*Webhook, error) {
	f, err := flazzserver.FinalOf(ctx, svc, o)
	if err != nil {
		return nil, err
	}
	var body []byte
	postpaid := f.Bill != nil
	if postpaid {
		body, err = json.Marshal(wire.Envelope[wire.PascaWebhookData]{Data: wire.PascaWebhookData{PascaData: PascaData(f.Bill, o, f.Balance), TrxID: o.Invoice}})
	} else {
		body, err = json.Marshal(wire.Envelope[wire.WebhookData]{Data: wire.WebhookData{TransactionData: txData(o, f.Balance), TrxID: o.Invoice}})
	}
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	wire.WebhookHeaders(h, wire.EventUpdate, delivery, postpaid, HookshotVersion, secret, body)
	return &Webhook{Body: body, Header: h}, nil
}

// CallbackPost renders an order's callback as Digiflazz's own webhook (WebhookFor, keyed with the
// reseller's api key), sent as JSON.
func CallbackPost(ctx context.Context, svc *core.Service, o *order.Order, apiKey, delivery string) ([]byte, http.Header, error) {
	wh, err := WebhookFor(ctx, svc, o, apiKey, delivery)
	if err != nil {
		return nil, nil, err
	}
	wh.Header.Set("Content-Type", "application/json")
	return wh.Body, wh.Header, nil
}
