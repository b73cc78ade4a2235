package digiflazz

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	wire "github.com/kios-h2h/kios/client/digiflazz"
)

// FuzzDecode: any body either decodes into a transaction request that encodes and decodes back
// to itself, or is refused with rc 40 and a message; never a panic, never a body over the limit.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"username":"tokobudi","buyer_sku_code":"xld10","customer_no":"0877","ref_id":"r1","sign":"abc"}`))
	f.Add([]byte(`{"username":"tokobudi","max_price":"5","testing":1}`))
	f.Add([]byte(`{"msg":null,"Bank":"BCA"}`))
	f.Add([]byte(`[]`))
	h := &handler{opts: Options{MaxBody: 512}}
	// The round trip's own encoding may be longer (HTML characters escaped): no limit for it.
	roomy := &handler{opts: Options{MaxBody: 1 << 20}}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/v1/transaction", bytes.NewReader(body))
		var req wire.TransactionRequest
		if ref := h.decode(httptest.NewRecorder(), r, &req); ref != nil {
			if ref.rc != wire.RCPayload || ref.msg == "" || ref.fault != nil {
				t.Fatalf("body %q refused with %+v", body, ref)
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
		var back wire.TransactionRequest
		r = httptest.NewRequest(http.MethodPost, "/v1/transaction", bytes.NewReader(again))
		if ref := roomy.decode(httptest.NewRecorder(), r, &back); ref != nil || back != req {
			t.Fatalf("round trip: %+v -> %s -> %+v, %+v", req, again, back, ref)
		}
	})
}
