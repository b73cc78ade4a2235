package digiswitch_test

import (
	"errors"
	"net/http"
	"testing"

	client "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/digiswitch"
)

// FuzzReadCallback: an upstream's callback is read only under its own signature, and then names a
// reference and a known state; anything else is an error, never a panic.
func FuzzReadCallback(f *testing.F) {
	f.Add([]byte(`{"data":{"ref_id":"r1","customer_no":"0812","code":"s5","status":"Sukses","rc":"00","sn":"123"}}`), true)
	f.Add([]byte(`{"data":{"ref_id":"r1","rc":"99"}}`), true)
	f.Add([]byte(`{"data":[]}`), false)
	const secret = "callback-secret"
	s := digiswitch.New("up", "http://upstream.invalid", "user", "key", secret)
	f.Fuzz(func(t *testing.T, body []byte, signed bool) {
		h := http.Header{}
		if signed {
			h.Set(client.HeaderSignature, client.CallbackSignature(body, secret))
		} else {
			h.Set(client.HeaderSignature, "sha1=00")
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
