package digiswitch

import (
	"encoding/json"
	"testing"

	ds "github.com/kios-h2h/kios/client/digiswitch"
)

// FuzzDecode: any body either decodes into a transaction request that encodes and decodes back
// to itself, or is refused with a message for rc 40; never a panic.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"username":"tokobudi","code":"s5","customer_no":"0812","ref_id":"r1","sign":"abc"}`))
	f.Add([]byte(`{"username":"tokobudi","max_price":"5"}`))
	f.Add([]byte(`{"testing":1}`))
	f.Add([]byte(` [ ] `))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req ds.TransactionRequest
		if err := decode(body, &req); err != nil {
			if err.Error() == "" {
				t.Fatal("refusal without a message")
			}
			return
		}
		again, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		var back ds.TransactionRequest
		if err := decode(again, &back); err != nil || back != req {
			t.Fatalf("round trip: %+v -> %s -> %+v, %v", req, again, back, err)
		}
	})
}
