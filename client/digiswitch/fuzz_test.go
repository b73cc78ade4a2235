package digiswitch_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	ds "github.com/kios-h2h/kios/client/digiswitch"
)

// FuzzVerifyCallback: a callback verifies with its own signature under its own key, and not
// with any other header.
func FuzzVerifyCallback(f *testing.F) {
	f.Add([]byte(`{"data":{"ref_id":"r1","status":"Sukses","rc":"00"}}`), "key-1", "sha1=00")
	f.Add([]byte{}, "", "")
	f.Fuzz(func(t *testing.T, body []byte, key, header string) {
		good := ds.CallbackSignature(body, key)
		if !ds.VerifyCallback(body, good, key) {
			t.Fatalf("own signature %q rejected", good)
		}
		if ds.VerifyCallback(body, header, key) && !bytes.EqualFold(bytes.TrimSpace([]byte(header)), []byte(good)) {
			t.Fatalf("header %q accepted for signature %q", header, good)
		}
	})
}

type canned struct {
	status int
	body   []byte
}

func (c canned) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: c.status, Body: io.NopCloser(bytes.NewReader(c.body)), Header: http.Header{}, Request: r}, nil
}

// FuzzClientAnswer: whatever a server answers a transaction with, the client returns a
// response, a definite *APIError, or an error wrapping ErrUnknownOutcome; never a panic, and a
// 5xx is never a definite answer.
func FuzzClientAnswer(f *testing.F) {
	f.Add(200, []byte(`{"data":{"ref_id":"r1","customer_no":"0812","code":"s5","status":"Pending","rc":"03","price":5005}}`))
	f.Add(200, []byte(`{"data":{"rc":"44","status":"Gagal","message":"Saldo tidak cukup"}}`))
	f.Add(500, []byte(`{"data":{"rc":"99","status":"Pending"}}`))
	f.Add(200, []byte(`{"data":[]}`))
	f.Add(404, []byte(`not json`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		c := ds.New("http://kios.invalid", "tokobudi", "key", ds.WithHTTPClient(&http.Client{Transport: canned{status, body}}))
		res, err := c.Transaction(context.Background(), ds.TransactionRequest{Code: "s5", CustomerNo: "0812", RefID: "r1"})
		var api *ds.APIError
		switch {
		case err == nil:
			if res == nil || status != http.StatusOK {
				t.Fatalf("HTTP %d %s: success %+v", status, body, res)
			}
		case errors.As(err, &api):
			if status >= 500 {
				t.Fatalf("HTTP %d taken for a definite refusal: %v", status, err)
			}
		case !errors.Is(err, ds.ErrUnknownOutcome):
			t.Fatalf("HTTP %d %s: %v is neither a refusal nor an unknown outcome", status, body, err)
		}
	})
}
