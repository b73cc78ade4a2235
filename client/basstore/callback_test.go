package basstore_test

import (
	"testing"

	"github.com/kios-h2h/kios/client/basstore"
)

func TestVerifyCallback(t *testing.T) {
	t.Parallel()
	body := []byte(`{"error":false,"code":200,"message":"Success","data":{"invoiceNumber":"KIOS-1"}}`)
	sig := basstore.CallbackSignature(body, "key")
	if !basstore.VerifyCallback(body, sig, "key") {
		t.Fatal("own signature does not verify")
	}
	for _, bad := range []string{"", "sha256=", sig[:len(sig)-1] + "0", basstore.CallbackSignature(body, "other")} {
		if bad != sig && basstore.VerifyCallback(body, bad, "key") {
			t.Fatalf("%q verifies", bad)
		}
	}
	if basstore.VerifyCallback(append(body, ' '), sig, "key") {
		t.Fatal("changed body verifies")
	}
}
