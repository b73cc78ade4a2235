package callback

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	wire "github.com/kios-h2h/kios/client/basstore"
	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	dfdialect "github.com/kios-h2h/kios/internal/dialect/digiflazz"
	dsdialect "github.com/kios-h2h/kios/internal/dialect/digiswitch"
	omdialect "github.com/kios-h2h/kios/internal/dialect/otomax"
	"github.com/kios-h2h/kios/internal/order"
)

// Build renders an order's callback in the dialect it was placed in: the body and the headers
// that sign it with the reseller's api key. delivery identifies the event (the same on every
// retry of it).
func Build(ctx context.Context, svc *core.Service, o *order.Order, apiKey, delivery string) ([]byte, http.Header, error) {
	if o.Dialect == dfdialect.Dialect {
		// Digiflazz's own webhook form, headers and hookshot User-Agent included.
		wh, err := dfdialect.WebhookFor(ctx, svc, o, apiKey, delivery)
		if err != nil {
			return nil, nil, err
		}
		wh.Header.Set("Content-Type", "application/json")
		return wh.Body, wh.Header, nil
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "Kios-Callback/1")
	h.Set(ds.HeaderEvent, "update")
	h.Set(ds.HeaderDelivery, delivery)
	if o.Dialect == dsdialect.Dialect {
		// The transaction (or bill payment) exactly as the Digiswitch dialect answers it.
		body, err := dsdialect.CallbackBody(ctx, svc, o)
		if err != nil {
			return nil, nil, err
		}
		h.Set(ds.HeaderSignature, ds.CallbackSignature(body, apiKey))
		return body, h, nil
	}
	// "basstore", and orders placed outside any dialect: the order exactly as
	// /api/v1/status-order shows it (internal/dialect/basstore).
	body, err := json.Marshal(wire.Envelope{Code: http.StatusOK, Message: wire.MessageSuccess, Data: wire.OrderStatus{
		InvoiceNumber: o.Invoice, ProductName: o.ProductName, UserData: o.Destination, StatusCode: string(o.Status),
		ReferenceNumber: o.Reference, Code: o.VariantCode, Price: o.Price, SN: o.SN, Message: o.Message,
		CreatedAt: jakarta(o.CreatedAt), UpdatedAt: jakarta(o.UpdatedAt)}})
	if err != nil {
		return nil, nil, err
	}
	h.Set(wire.HeaderSignature, wire.CallbackSignature(body, apiKey))
	return body, h, nil
}

// Delivery is one callback as it is sent.
type Delivery struct {
	Method string
	URL    string
	Body   []byte
	Header http.Header
}

// Prepare renders an order's callback to url in the dialect it was placed in: the POST Build
// renders, or for an order of the Otomax dialect its report-back, a GET with the outcome in the
// query (Otomax downlines read nothing else; the URL is the reseller's, which proves it).
// A non-final Otomax order has nothing to report: ok is false.
func Prepare(ctx context.Context, svc *core.Service, o *order.Order, apiKey, delivery, url string) (d Delivery, ok bool, err error) {
	if o.Dialect == omdialect.Dialect {
		u, ok, err := omdialect.ReportURL(ctx, svc, o, url)
		if err != nil || !ok {
			return Delivery{}, false, err
		}
		h := http.Header{}
		h.Set("User-Agent", "Kios-Callback/1")
		return Delivery{Method: http.MethodGet, URL: u, Header: h}, true, nil
	}
	body, h, err := Build(ctx, svc, o, apiKey, delivery)
	if err != nil {
		return Delivery{}, false, err
	}
	return Delivery{Method: http.MethodPost, URL: url, Body: body, Header: h}, true, nil
}

// jakarta shows a time as the BASSTORE dialect does: Asia/Jakarta, to the second.
func jakarta(t time.Time) time.Time { return t.In(catalog.Jakarta).Truncate(time.Second) }
