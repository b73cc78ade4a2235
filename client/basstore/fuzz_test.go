package basstore

import (
	"errors"
	"testing"
)

// FuzzDecode: whatever a server answers, the client returns data, a definite *APIError (a 4xx
// envelope), or an error wrapping ErrUnknownOutcome; never a panic, and never success for an
// error envelope or a 5xx.
func FuzzDecode(f *testing.F) {
	f.Add(200, []byte(`{"error":false,"code":200,"message":"Success","data":{"invoiceNumber":"KIOS-1"}}`))
	f.Add(404, []byte(`{"error":true,"code":404,"message":"Variant not found","data":null}`))
	f.Add(500, []byte(`{"error":true,"code":500,"message":"Internal server error","data":null}`))
	f.Add(200, []byte(`{"error":true,"code":200}`))
	f.Add(502, []byte(`<html>bad gateway</html>`))
	f.Fuzz(func(t *testing.T, status int, raw []byte) {
		var out OrderAnswer
		err := decode(PathOrder, status, raw, &out)
		var api *APIError
		switch {
		case err == nil:
			if status != 200 {
				t.Fatalf("HTTP %d taken for success: %s", status, raw)
			}
		case errors.As(err, &api):
			if api.Code < 400 || api.Code >= 500 || status < 400 || status >= 500 {
				t.Fatalf("HTTP %d answer %s taken for a definite refusal %d", status, raw, api.Code)
			}
		case !errors.Is(err, ErrUnknownOutcome):
			t.Fatalf("HTTP %d answer %s: error %v is neither a refusal nor an unknown outcome", status, raw, err)
		}
	})
}
