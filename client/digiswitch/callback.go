package digiswitch

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // the form receivers written for Digiflazz already check
	"encoding/hex"
	"strings"
)

// Headers of the callback Kios POSTs when a transaction reaches a final state. The body is
// {"data": …} with the fields of the transaction's answer (TransactionResponse, or
// PostpaidResponse for a bill).
const (
	HeaderEvent     = "X-Kios-Event"    // "update"
	HeaderDelivery  = "X-Kios-Delivery" // unique per delivery
	HeaderSignature = "X-Hub-Signature" // "sha1=" + hex HMAC-SHA1 of the raw body, keyed with the api key
)

// CallbackSignature returns the X-Hub-Signature value for a callback body.
func CallbackSignature(body []byte, apiKey string) string {
	m := hmac.New(sha1.New, []byte(apiKey))
	m.Write(body)
	return "sha1=" + hex.EncodeToString(m.Sum(nil))
}

// VerifyCallback reports whether header is the right X-Hub-Signature for body, in constant time.
func VerifyCallback(body []byte, header, apiKey string) bool {
	want := CallbackSignature(body, apiKey)
	return hmac.Equal([]byte(want), []byte(strings.ToLower(strings.TrimSpace(header))))
}
