package basstore

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Headers of the callback Kios POSTs to a reseller's callback URL when an order placed through
// this dialect reaches a final state. The body is the answer of /api/v1/status-order for the
// order: {"error":false,"code":200,"message":"Success","data":{…OrderStatus…}}.
const (
	HeaderEvent     = "X-Kios-Event"     // "update"
	HeaderDelivery  = "X-Kios-Delivery"  // the same on every retry of one event
	HeaderSignature = "X-Kios-Signature" // "sha256=" + hex HMAC-SHA256 of the raw body, keyed with the api key
)

// CallbackSignature returns the X-Kios-Signature value for a callback body.
func CallbackSignature(body []byte, apiKey string) string {
	m := hmac.New(sha256.New, []byte(apiKey))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifyCallback reports whether header is the right X-Kios-Signature for body, in constant time.
// Deliveries are at least once: de-duplicate by invoiceNumber.
func VerifyCallback(body []byte, header, apiKey string) bool {
	want := CallbackSignature(body, apiKey)
	return hmac.Equal([]byte(want), []byte(strings.ToLower(strings.TrimSpace(header))))
}
