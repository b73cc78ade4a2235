package basstore

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	wire "github.com/kios-h2h/kios/client/basstore"
)

// FuzzDecodeOrder: any body either decodes into an order request that encodes and decodes back
// to itself, or is refused as the client's fault (400 or 413): never a panic, never a 500.
func FuzzDecodeOrder(f *testing.F) {
	f.Add([]byte(`{"code":"MLBB_ID_5","referenceNumber":"ref-1","data":"12345678(1234)"}`))
	f.Add([]byte(`{"code":5}`))
	f.Add([]byte(`[]`))
	h := &handler{maxBody: 256}
	// The round trip's own encoding may be longer (HTML characters escaped): no limit for it.
	roomy := &handler{maxBody: 1 << 20}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, wire.PathOrder, bytes.NewReader(body))
		var req wire.OrderRequest
		err := h.decodeBody(httptest.NewRecorder(), r, &req)
		if err != nil {
			code, msg := refusal(err)
			if code != http.StatusBadRequest && code != http.StatusRequestEntityTooLarge || msg == "" {
				t.Fatalf("body %q refused with %d %q", body, code, msg)
			}
			if code == http.StatusRequestEntityTooLarge && int64(len(body)) <= h.maxBody {
				t.Fatalf("a %d-byte body called too large", len(body))
			}
			return
		}
		if int64(len(body)) > h.maxBody {
			t.Fatalf("a %d-byte body accepted over a %d-byte limit", len(body), h.maxBody)
		}
		again, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		var back wire.OrderRequest
		r = httptest.NewRequest(http.MethodPost, wire.PathOrder, bytes.NewReader(again))
		if err := roomy.decodeBody(httptest.NewRecorder(), r, &back); err != nil || back != req {
			t.Fatalf("round trip: %+v -> %s -> %+v, %v", req, again, back, err)
		}
	})
}

// FuzzBearer: a token is found only in a "Bearer <token>" header, and never holds spaces at
// its ends.
func FuzzBearer(f *testing.F) {
	f.Add("Bearer abc")
	f.Add("bearer  abc ")
	f.Add("Basic abc")
	f.Add("Bearer")
	f.Fuzz(func(t *testing.T, header string) {
		tok, ok := bearer(header)
		if !ok {
			if tok != "" {
				t.Fatalf("%q: token %q without ok", header, tok)
			}
			return
		}
		if tok == "" || tok != strings.TrimSpace(tok) {
			t.Fatalf("%q: token %q", header, tok)
		}
		scheme, _, _ := strings.Cut(strings.TrimSpace(header), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			t.Fatalf("%q: scheme %q accepted", header, scheme)
		}
	})
}
