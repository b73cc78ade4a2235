package digiswitch

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	ds "github.com/kios-h2h/kios/client/digiswitch"
)

// FuzzDecode: any body either decodes into a transaction request that encodes and decodes back
// to itself, or is refused with a message for rc 40; never a panic, never a body over the limit.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"username":"tokobudi","code":"s5","customer_no":"0812","ref_id":"r1","sign":"abc"}`))
	f.Add([]byte(`{"username":"tokobudi","max_price":"5"}`))
	f.Add([]byte(`{"testing":1}`))
	f.Add([]byte(` [ ] `))
	h := &handler{opts: Options{MaxBody: 512}}
	// The round trip's own encoding may be longer (HTML characters escaped): no limit for it.
	roomy := &handler{opts: Options{MaxBody: 1 << 20}}
	decodeWith := func(h *handler, body []byte, dst any) error {
		r := httptest.NewRequest(http.MethodPost, ds.PathTransaction, bytes.NewReader(body))
		return h.decode(httptest.NewRecorder(), r, dst)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req ds.TransactionRequest
		if err := decodeWith(h, body, &req); err != nil {
			if err.Error() == "" {
				t.Fatal("refusal without a message")
			}
			return
		}
		if int64(len(body)) > h.opts.MaxBody {
			t.Fatalf("a %d-byte body accepted over a %d-byte limit", len(body), h.opts.MaxBody)
		}
		again, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		var back ds.TransactionRequest
		if err := decodeWith(roomy, again, &back); err != nil || back != req {
			t.Fatalf("round trip: %+v -> %s -> %+v, %v", req, again, back, err)
		}
	})
}
