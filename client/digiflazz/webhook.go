package digiflazz

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/kios-h2h/kios/client/flazz"
)

// Webhook headers, as Digiflazz sends them.
const (
	HeaderEvent     = "X-Digiflazz-Event"    // "create" or "update"
	HeaderDelivery  = "X-Digiflazz-Delivery" // a unique id per delivery
	HeaderSignature = "X-Hub-Signature"      // "sha1=" + hex HMAC-SHA1 of the raw body; only when a secret is set

	EventCreate = "create"
	EventUpdate = "update"

	// UserAgentPrepaid and UserAgentPostpaid start the User-Agent of prepaid and postpaid webhooks.
	UserAgentPrepaid  = "DigiFlazz-Hookshot/"
	UserAgentPostpaid = "DigiFlazz-Pasca-Hookshot/"
)

// WebhookData is the data of a webhook: the transaction's fields and the seller's trx_id.
type WebhookData struct {
	TransactionData
	TrxID string `json:"trx_id"`
}

// PascaWebhookData is the data of a postpaid webhook: the postpaid answer's fields and trx_id.
type PascaWebhookData struct {
	PascaData
	TrxID string `json:"trx_id"`
}

// WebhookSignature returns the X-Hub-Signature value for body: "sha1=" + hex HMAC-SHA1(secret, body).
func WebhookSignature(secret string, body []byte) string { return flazz.HookSignature(secret, body) }

// WebhookSignatureValid checks an X-Hub-Signature header against body in constant time.
func WebhookSignatureValid(secret string, body []byte, header string) bool {
	return flazz.HookSignatureValid(secret, body, header)
}

// Webhook is a received webhook.
type Webhook struct {
	Event    string // EventCreate or EventUpdate
	Delivery string
	Postpaid bool // sent by the postpaid hookshot
	Data     WebhookData
}

// ErrWebhookSignature is returned by ReadWebhook for a body whose signature does not match.
var ErrWebhookSignature = errors.New("digiflazz webhook: bad X-Hub-Signature")

// ReadWebhook reads and checks a webhook request (at most maxBody bytes). With a non-empty
// secret the X-Hub-Signature header must match; with an empty one it is not checked.
func ReadWebhook(r *http.Request, secret string, maxBody int64) (*Webhook, error) {
	if maxBody <= 0 {
		maxBody = 1 << 20
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("digiflazz webhook: read body: %w", err)
	}
	if int64(len(body)) > maxBody {
		return nil, fmt.Errorf("digiflazz webhook: body over %d bytes", maxBody)
	}
	if secret != "" && !WebhookSignatureValid(secret, body, r.Header.Get(HeaderSignature)) {
		return nil, ErrWebhookSignature
	}
	var env Envelope[WebhookData]
	if err := decodeStrictEnough(body, &env); err != nil {
		return nil, fmt.Errorf("digiflazz webhook: %w", err)
	}
	return &Webhook{
		Event:    r.Header.Get(HeaderEvent),
		Delivery: r.Header.Get(HeaderDelivery),
		Postpaid: strings.HasPrefix(r.Header.Get("User-Agent"), UserAgentPostpaid),
		Data:     env.Data,
	}, nil
}

// WebhookHeaders sets the headers of an outgoing webhook: event, delivery id, user agent
// (version is appended to the hookshot's name) and, with a secret, the signature of body.
func WebhookHeaders(h http.Header, event, delivery string, postpaid bool, version, secret string, body []byte) {
	h.Set("Content-Type", "application/json")
	h.Set(HeaderEvent, event)
	h.Set(HeaderDelivery, delivery)
	ua := UserAgentPrepaid
	if postpaid {
		ua = UserAgentPostpaid
	}
	h.Set("User-Agent", ua+version)
	if secret != "" {
		h.Set(HeaderSignature, WebhookSignature(secret, body))
	}
}
