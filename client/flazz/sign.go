package flazz

import (
	"crypto/hmac"
	"crypto/md5"  //nolint:gosec // the family's sign formula is md5; it is not a choice Kios makes
	"crypto/sha1" //nolint:gosec // the callback receivers written for Digiflazz already check it
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// Sign returns lower-case hex md5(username + apiKey + suffix), the request signature. The suffix
// is a constant per endpoint, or a field of the request (ref_id, customer_no); each member names
// its own.
func Sign(username, apiKey, suffix string) string {
	h := md5.New()
	h.Write([]byte(username))
	h.Write([]byte(apiKey))
	h.Write([]byte(suffix))
	return hex.EncodeToString(h.Sum(nil))
}

// SignMatches compares a presented sign with the expected one in constant time. Hex case is
// ignored: some clients send upper-case digests.
func SignMatches(presented, username, apiKey, suffix string) bool {
	want := Sign(username, apiKey, suffix)
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(presented)), []byte(want)) == 1
}

// HookSignature returns the X-Hub-Signature value of a callback body: "sha1=" + hex
// HMAC-SHA1(secret, body).
func HookSignature(secret string, body []byte) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(body)
	return "sha1=" + hex.EncodeToString(m.Sum(nil))
}

// HookSignatureValid checks an X-Hub-Signature header against body in constant time; case and
// surrounding space of the header are ignored.
func HookSignatureValid(secret string, body []byte, header string) bool {
	want := HookSignature(secret, body)
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(strings.TrimSpace(header))), []byte(want)) == 1
}
