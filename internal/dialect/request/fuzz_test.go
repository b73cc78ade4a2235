package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzDecodeJSON: any body, with or without the Object rule, is read into a wire struct that
// encodes and reads back to itself, or refused with one Kind that the body explains: TooLarge
// exactly when it is over the limit, Malformed only when it is not JSON, and the wire struct
// untouched by every refusal but WrongType.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"code":"s5","ref_id":"r1","max_price":5000,"testing":true}`), false)
	f.Add([]byte(`{"code":5,"ref_id":"r1"}`), true)
	f.Add([]byte(`null`), true)
	f.Add([]byte(` [ ] `), false)
	f.Add([]byte("\u00a0{}"), true)
	f.Add([]byte(`{"code":"s5"} x`), false)
	const limit = 128
	f.Fuzz(func(t *testing.T, body []byte, object bool) {
		dec := Decoder{Accept: JSON, MaxBody: limit, Object: object}
		var o order
		err := dec.Decode(nil, httptest.NewRequest(http.MethodPost, "/x", bytes.NewReader(body)), &o)
		if len(body) > limit {
			if e, ok := errors.AsType[*Error](err); !ok || e.Kind != TooLarge || o != (order{}) {
				t.Fatalf("%d-byte body: %v, read %+v", len(body), err, o)
			}
			return
		}
		if err == nil {
			if object && !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
				t.Fatalf("body %q read as an object", body)
			}
			again, err := json.Marshal(o)
			if err != nil {
				t.Fatal(err)
			}
			var back order
			roomy := Decoder{Accept: JSON, MaxBody: 1 << 20, Object: true}
			if err := roomy.Decode(nil, httptest.NewRequest(http.MethodPost, "/x", bytes.NewReader(again)), &back); err != nil || back != o {
				t.Fatalf("round trip: %+v -> %s -> %+v, %v", o, again, back, err)
			}
			return
		}
		e, ok := errors.AsType[*Error](err)
		if !ok {
			t.Fatalf("body %q: %v is not an *Error", body, err)
		}
		switch e.Kind {
		case Empty, NotObject:
		case Malformed:
			if json.Valid(body) {
				t.Fatalf("valid JSON %q called malformed", body)
			}
		case WrongType:
			if e.Field == "" || e.Want == "" {
				t.Fatalf("body %q: %+v", body, e)
			}
			return
		default:
			t.Fatalf("body %q: kind %d", body, e.Kind)
		}
		if o != (order{}) {
			t.Fatalf("body %q refused (%v) but read %+v", body, err, o)
		}
	})
}
