package callback

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	wire "github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/order"
)

// digiswitchCallback and digiswitchTransaction mirror the Digiswitch transaction answer
// (digiswitch-h2h-1.0.md: ref_id, customer_no, code, message, status, rc, sn, balance, price).
// Local until client/digiswitch lands in main.
type digiswitchCallback struct {
	Data digiswitchTransaction `json:"data"`
}

type digiswitchTransaction struct {
	RefID      string `json:"ref_id"`
	CustomerNo string `json:"customer_no"`
	Code       string `json:"code"`
	Message    string `json:"message"`
	Status     string `json:"status"`
	RC         string `json:"rc"`
	SN         string `json:"sn"`
	Balance    int64  `json:"balance"`
	Price      int64  `json:"price"`
}

// Build renders an order's callback in its dialect: the body and the headers that sign it with
// the reseller's api key. delivery identifies the event (the same on every retry of it).
func Build(o *order.Order, apiKey string, balance int64, delivery string) ([]byte, http.Header, error) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "Kios-Callback/1")
	switch o.Dialect {
	case "digiswitch":
		status, rc := "Pending", "03"
		switch o.Status {
		case order.Success:
			status, rc = "Sukses", "00"
		case order.Failed:
			status, rc = "Gagal", "02"
		}
		body, err := json.Marshal(digiswitchCallback{Data: digiswitchTransaction{RefID: o.Reference, CustomerNo: o.Destination,
			Code: o.VariantCode, Message: o.Message, Status: status, RC: rc, SN: o.SN, Balance: balance, Price: o.Price}})
		if err != nil {
			return nil, nil, err
		}
		h.Set("X-Kios-Event", "update")
		h.Set("X-Kios-Delivery", delivery)
		h.Set("X-Hub-Signature", "sha1="+SignSHA1(body, apiKey))
		return body, h, nil
	default: // "basstore", and orders placed outside any dialect
		// The order exactly as /api/v1/status-order shows it (internal/dialect/basstore).
		body, err := json.Marshal(wire.Envelope{Code: http.StatusOK, Message: wire.MessageSuccess, Data: wire.OrderStatus{
			InvoiceNumber: o.Invoice, ProductName: o.ProductName, UserData: o.Destination, StatusCode: string(o.Status),
			ReferenceNumber: o.Reference, Code: o.VariantCode, Price: o.Price, SN: o.SN, Message: o.Message,
			CreatedAt: jakarta(o.CreatedAt), UpdatedAt: jakarta(o.UpdatedAt)}})
		if err != nil {
			return nil, nil, err
		}
		h.Set("X-Kios-Event", "update")
		h.Set("X-Kios-Delivery", delivery)
		h.Set("X-Kios-Signature", "sha256="+SignSHA256(body, apiKey))
		return body, h, nil
	}
}

// SignSHA256 is the hex HMAC-SHA256 of body keyed with key (BASSTORE-style callbacks).
func SignSHA256(body []byte, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// SignSHA1 is the hex HMAC-SHA1 of body keyed with key (Digiswitch-style callbacks, the form
// Digiflazz receivers check).
func SignSHA1(body []byte, key string) string {
	m := hmac.New(sha1.New, []byte(key))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a callback's signature header ("sha256=…" or "sha1=…") against body and key,
// in constant time. Receivers written in Go may use it.
func Verify(body []byte, key, header string) bool {
	var want string
	switch {
	case len(header) > 7 && header[:7] == "sha256=":
		want = "sha256=" + SignSHA256(body, key)
	case len(header) > 5 && header[:5] == "sha1=":
		want = "sha1=" + SignSHA1(body, key)
	default:
		return false
	}
	return hmac.Equal([]byte(want), []byte(header))
}

// jakarta shows a time as the BASSTORE dialect does: Asia/Jakarta, to the second.
func jakarta(t time.Time) time.Time { return t.In(catalog.Jakarta).Truncate(time.Second) }
