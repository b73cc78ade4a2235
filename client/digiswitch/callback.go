package digiswitch

import "github.com/kios-h2h/kios/client/flazz"

// Headers of the callback Kios POSTs when a transaction reaches a final state. The body is
// {"data": …} with the fields of the transaction's answer (TransactionResponse, or
// PostpaidResponse for a bill).
const (
	HeaderEvent     = "X-Kios-Event"    // "update"
	HeaderDelivery  = "X-Kios-Delivery" // unique per delivery
	HeaderSignature = "X-Hub-Signature" // "sha1=" + hex HMAC-SHA1 of the raw body, keyed with the api key
)

// CallbackSignature returns the X-Hub-Signature value for a callback body.
func CallbackSignature(body []byte, apiKey string) string { return flazz.HookSignature(apiKey, body) }

// VerifyCallback reports whether header is the right X-Hub-Signature for body, in constant time.
func VerifyCallback(body []byte, header, apiKey string) bool {
	return flazz.HookSignatureValid(apiKey, body, header)
}
