package basstore_test

import (
	"errors"
	"net/http"
	"testing"

	client "github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/basstore"
)

// FuzzReadCallback: an upstream's callback is read only under its own signature, and then names a
// reference and a known state; anything else is an error, never a panic.
func FuzzReadCallback(f *testing.F) {
	f.Add([]byte(`{"error":false,"code":200,"data":{"invoiceNumber":"KIOS-1","referenceNumber":"r1","statusCode":"Success","sn":"123"}}`), true)
	f.Add([]byte(`{"data":{"referenceNumber":""}}`), true)
	f.Add([]byte(`{}`), false)
	const secret = "callback-secret"
	s := basstore.New("up", "http://upstream.invalid", "token", secret, client.Options{})
	f.Fuzz(func(t *testing.T, body []byte, signed bool) {
		h := http.Header{}
		if signed {
			h.Set(client.HeaderSignature, client.CallbackSignature(body, secret))
		} else {
			h.Set(client.HeaderSignature, "sha256=00")
		}
		ref, res, err := s.ReadCallback(h, body)
		if !signed {
			if !errors.Is(err, supplier.ErrBadSignature) {
				t.Fatalf("unsigned callback: %v", err)
			}
			return
		}
		if err != nil {
			return
		}
		if ref == "" {
			t.Fatal("a callback accepted without a reference")
		}
		switch res.State {
		case supplier.Success, supplier.Failed, supplier.Pending, supplier.Unknown:
		default:
			t.Fatalf("callback read as state %q", res.State)
		}
	})
}
