package basstore

import (
	"bytes"
	"testing"
)

// FuzzVerifyCallback: a callback verifies with its own signature under its own key, and not
// with any other header.
func FuzzVerifyCallback(f *testing.F) {
	f.Add([]byte(`{"data":{"invoiceNumber":"KIOS-1"}}`), "key-1", "sha256=00")
	f.Add([]byte{}, "", "")
	f.Fuzz(func(t *testing.T, body []byte, key, header string) {
		good := CallbackSignature(body, key)
		if !VerifyCallback(body, good, key) {
			t.Fatalf("own signature %q rejected", good)
		}
		if VerifyCallback(body, header, key) && !bytes.EqualFold(bytes.TrimSpace([]byte(header)), []byte(good)) {
			t.Fatalf("header %q accepted for signature %q", header, good)
		}
	})
}
