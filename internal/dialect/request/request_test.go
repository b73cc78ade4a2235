package request

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// order is a flat wire struct as the dialects' are.
type order struct {
	Code     string `json:"code"`
	RefID    string `json:"ref_id"`
	MaxPrice int64  `json:"max_price"`
	Testing  bool   `json:"testing"`
}

// embedded is a wire struct that adds names to another, as Digiswitch's transaction does.
type embedded struct {
	order
	SKU string `json:"buyer_sku_code"`
}

// valuesOrder reads an order from values, refusing a missing code.
type valuesOrder struct{ Code, RefID string }

func (o *valuesOrder) ReadValues(v url.Values) error {
	if len(v["code"]) != 1 {
		return errors.New("code given " + strconv.Itoa(len(v["code"])) + " times")
	}
	o.Code, o.RefID = v.Get("code"), v.Get("ref_id")
	return nil
}

// failingBody fails after its first bytes, as a client that goes away does.
type failingBody struct{ r io.Reader }

func (b failingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

func (failingBody) Close() error { return nil }

// TestDecode is the decoder's table: each format, each kind of refusal, and what a refusal leaves
// in the wire struct.
func TestDecode(t *testing.T) {
	const limit = 64
	jsonOnly := Decoder{Accept: JSON, MaxBody: limit}
	object := Decoder{Accept: JSON, MaxBody: limit, Object: true}
	both := Decoder{Accept: JSON | Form, MaxBody: limit}
	formOnly := Decoder{Accept: Form, MaxBody: limit}
	query := Decoder{Accept: Query}
	queryOrJSON := Decoder{Accept: Query | JSON, MaxBody: limit}
	const formType = "application/x-www-form-urlencoded"

	cases := []struct {
		name        string
		dec         Decoder
		method      string
		target      string // "" means /x
		contentType string
		body        string
		failing     bool // the body fails after its bytes
		newDst      func() any
		want        any    // dst after Decode
		kind        Kind   // 0: no error
		errText     string // the *Error's Field+Want, Limit or cause, where it says something
	}{
		// JSON.
		{name: "json object", dec: jsonOnly, body: `{"code":"s5","ref_id":"r1","max_price":5000,"testing":true}`,
			want: &order{Code: "s5", RefID: "r1", MaxPrice: 5000, Testing: true}},
		{name: "json unknown fields ignored", dec: jsonOnly, body: `{"code":"s5","msg":null,"Bank":"BCA"}`, want: &order{Code: "s5"}},
		{name: "json duplicate key: last kept", dec: jsonOnly, body: `{"code":"a","code":"b"}`, want: &order{Code: "b"}},
		{name: "json duplicate key in another case: last kept", dec: jsonOnly, body: `{"code":"a","CODE":"b"}`, want: &order{Code: "b"}},
		{name: "json content type not consulted", dec: jsonOnly, contentType: "text/plain; charset=iso-8859-1", body: `{"code":"s5"}`, want: &order{Code: "s5"}},
		{name: "json invalid utf-8 replaced", dec: jsonOnly, body: "{\"code\":\"s\xff\"}", want: &order{Code: "s\uFFFD"}},
		{name: "json form body labelled as form", dec: jsonOnly, contentType: formType, body: `code=s5`, want: &order{}, kind: Malformed},
		{name: "json null", dec: jsonOnly, body: `null`, want: &order{}},
		{name: "json null, object required", dec: object, body: `null`, want: &order{}, kind: NotObject},
		{name: "json empty", dec: jsonOnly, body: ``, want: &order{}, kind: Empty},
		{name: "json white space", dec: jsonOnly, body: " \r\n\t", want: &order{}, kind: Empty},
		{name: "json empty, object required", dec: object, body: ``, want: &order{}, kind: Empty},
		{name: "json no-break space, object required", dec: object, body: "\u00a0", want: &order{}, kind: NotObject},
		{name: "json no-break space before an object", dec: object, body: "\u00a0{}", want: &order{}, kind: Malformed},
		{name: "json array", dec: jsonOnly, body: `[{"code":"s5"}]`, want: &order{}, kind: NotObject},
		{name: "json string", dec: jsonOnly, body: `"s5"`, want: &order{}, kind: NotObject},
		{name: "json array, object required", dec: object, body: ` [1,`, want: &order{}, kind: NotObject},
		{name: "json truncated", dec: jsonOnly, body: `{"code":"s5"`, want: &order{}, kind: Malformed},
		{name: "json trailing data: nothing kept", dec: jsonOnly, body: `{"code":"s5"} x`, want: &order{}, kind: Malformed},
		{name: "json second value: nothing kept", dec: object, body: `{"code":"s5"}{"code":"s6"}`, want: &order{}, kind: Malformed},
		{name: "json trailing data after a wrong type", dec: jsonOnly, body: `{"code":5} x`, want: &order{}, kind: Malformed},
		{name: "json trailing white space", dec: jsonOnly, body: "{\"code\":\"s5\"}\n\n", want: &order{Code: "s5"}},
		{name: "json wrong type: the others kept", dec: jsonOnly, body: `{"code":5,"ref_id":"r1"}`, want: &order{RefID: "r1"},
			kind: WrongType, errText: "code string"},
		{name: "json number as string", dec: jsonOnly, body: `{"max_price":"5000","code":"s5"}`, want: &order{Code: "s5"},
			kind: WrongType, errText: "max_price number"},
		{name: "json float for an integer", dec: jsonOnly, body: `{"max_price":5.5}`, want: &order{}, kind: WrongType, errText: "max_price number"},
		{name: "json overflow", dec: jsonOnly, body: `{"max_price":99999999999999999999}`, want: &order{}, kind: WrongType, errText: "max_price number"},
		{name: "json boolean as number", dec: jsonOnly, body: `{"testing":1}`, want: &order{}, kind: WrongType, errText: "testing boolean"},
		{name: "json wrong type in an embedded struct: its own name", dec: object, body: `{"ref_id":1,"buyer_sku_code":"s5"}`,
			newDst: func() any { return new(embedded) }, want: &embedded{SKU: "s5"}, kind: WrongType, errText: "ref_id string"},
		{name: "json at the limit", dec: jsonOnly, body: `{"code":"` + strings.Repeat("x", limit-11) + `"}`,
			want: &order{Code: strings.Repeat("x", limit-11)}},
		{name: "json over the limit", dec: jsonOnly, body: `{"code":"` + strings.Repeat("x", limit-10) + `"}`, want: &order{},
			kind: TooLarge, errText: "64"},
		{name: "json over the limit in trailing white space", dec: jsonOnly, body: `{"code":"s5"}` + strings.Repeat(" ", limit),
			want: &order{}, kind: TooLarge, errText: "64"},
		{name: "json over the limit, malformed from the start", dec: jsonOnly, body: `x` + strings.Repeat("x", limit), want: &order{},
			kind: TooLarge, errText: "64"},
		{name: "json default limit", dec: Decoder{Accept: JSON}, body: `{"code":"` + strings.Repeat("x", DefaultMaxBody) + `"}`,
			want: &order{}, kind: TooLarge, errText: "65536"},
		{name: "json unreadable", dec: jsonOnly, body: `{"code":"s5"`, failing: true, want: &order{}, kind: Unreadable},

		// Form.
		{name: "form by content type", dec: both, contentType: formType + "; charset=utf-8", body: `code=s5&ref_id=r1`,
			newDst: func() any { return new(valuesOrder) }, want: &valuesOrder{Code: "s5", RefID: "r1"}},
		{name: "json by content type", dec: both, contentType: "application/json", body: `{"code":"s5"}`, want: &order{Code: "s5"}},
		{name: "json when no content type", dec: both, body: `{"code":"s5"}`, want: &order{Code: "s5"}},
		{name: "form only: content type not consulted", dec: formOnly, contentType: "application/json", body: `code=s5`,
			newDst: func() any { return new(url.Values) }, want: &url.Values{"code": {"s5"}}},
		{name: "form duplicate keys handed over", dec: formOnly, body: `code=s5&code=s6`,
			newDst: func() any { return new(url.Values) }, want: &url.Values{"code": {"s5", "s6"}}},
		{name: "form refused by its reader", dec: formOnly, body: `code=s5&code=s6`,
			newDst: func() any { return new(valuesOrder) }, want: &valuesOrder{}, kind: Invalid, errText: "code given 2 times"},
		{name: "form malformed", dec: formOnly, body: `code=%zz`, newDst: func() any { return new(url.Values) }, want: new(url.Values),
			kind: Malformed},
		{name: "form over the limit", dec: formOnly, body: `code=` + strings.Repeat("x", limit), newDst: func() any { return new(url.Values) },
			want: new(url.Values), kind: TooLarge, errText: "64"},
		{name: "form empty", dec: formOnly, body: ``, newDst: func() any { return new(url.Values) }, want: &url.Values{}},

		// Query.
		{name: "query", dec: query, method: http.MethodGet, target: "/x?code=s5&ref_id=r1",
			newDst: func() any { return new(valuesOrder) }, want: &valuesOrder{Code: "s5", RefID: "r1"}},
		{name: "query pair that does not parse left out", dec: query, method: http.MethodGet, target: "/x?code=s5&ref_id=%zz",
			newDst: func() any { return new(url.Values) }, want: &url.Values{"code": {"s5"}}},
		{name: "query duplicate keys refused by its reader", dec: query, method: http.MethodGet, target: "/x?code=s5&code=s6",
			newDst: func() any { return new(valuesOrder) }, want: &valuesOrder{}, kind: Invalid, errText: "code given 2 times"},
		{name: "query: the body not read", dec: query, method: http.MethodPost, target: "/x?code=s5", body: strings.Repeat("x", 1<<20),
			newDst: func() any { return new(url.Values) }, want: &url.Values{"code": {"s5"}}},
		{name: "query or json: a GET reads the query", dec: queryOrJSON, method: http.MethodGet, target: "/x?code=s5",
			newDst: func() any { return new(valuesOrder) }, want: &valuesOrder{Code: "s5"}},
		{name: "query or json: a POST reads the body", dec: queryOrJSON, target: "/x?code=s5", body: `{"code":"s6"}`, want: &order{Code: "s6"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method, target := c.method, c.target
			if method == "" {
				method = http.MethodPost
			}
			if target == "" {
				target = "/x"
			}
			r := httptest.NewRequest(method, target, strings.NewReader(c.body))
			if c.failing {
				r.Body = failingBody{strings.NewReader(c.body)}
			}
			if c.contentType != "" {
				r.Header.Set("Content-Type", c.contentType)
			}
			dst := any(new(order))
			if c.newDst != nil {
				dst = c.newDst()
			}
			err := c.dec.Decode(httptest.NewRecorder(), r, dst)
			if !reflect.DeepEqual(dst, c.want) {
				t.Errorf("read %+v, want %+v", dst, c.want)
			}
			if c.kind == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, ok := errors.AsType[*Error](err)
			if !ok || e.Kind != c.kind {
				t.Fatalf("error %v (%T), want kind %d", err, err, c.kind)
			}
			var said string
			switch e.Kind {
			case WrongType:
				said = e.Field + " " + e.Want
			case TooLarge:
				said = strconv.FormatInt(e.Limit, 10)
			case Invalid:
				said = e.Unwrap().Error()
			}
			if said != c.errText {
				t.Errorf("error says %q, want %q", said, c.errText)
			}
			if !strings.HasPrefix(e.Error(), "request: ") {
				t.Errorf("error text %q", e.Error())
			}
		})
	}
}

// TestOversizeClosesConnection: with the request's ResponseWriter, a body over the limit makes
// the server close the connection after its answer instead of reading on.
func TestOversizeClosesConnection(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var o order
		if err := (Decoder{Accept: JSON, MaxBody: 16}).Decode(w, r, &o); err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		_, _ = io.WriteString(w, o.Code)
	}))
	defer srv.Close()
	for body, wantClose := range map[string]bool{`{"code":"s5"}`: false, `{"code":"` + strings.Repeat("x", 1<<10) + `"}`: true} {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.Close != wantClose {
			t.Errorf("%d-byte body: %d, connection closed %v, want %v", len(body), resp.StatusCode, resp.Close, wantClose)
		}
	}
}

// TestValuesIntoAStruct: a wire struct that cannot take values is the dialect's bug, an error
// that is not an *Error (a dialect answers it as a fault, not as the caller's).
func TestValuesIntoAStruct(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/x?code=s5", nil)
	err := Decoder{Accept: Query}.Decode(nil, r, new(order))
	if _, ok := errors.AsType[*Error](err); err == nil || ok {
		t.Fatalf("got %v", err)
	}
}
