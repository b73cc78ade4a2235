package basstore_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestBadInputs sends more than fifty malformed, hostile or replayed requests. Each must be
// answered with a BASSTORE error envelope (error true, code equal to the HTTP status, a message)
// with the expected code, and leave the database exactly as it was.
func TestBadInputs(t *testing.T) {
	t.Parallel()
	e := basstoretest.New(t, basstoretest.Config{MaxBody: 4 << 10})
	ctx := context.Background()
	e.Fund(t, e.A, 100_000)
	poor, err := e.Svc.CreateReseller(ctx, core.NewReseller{Name: "Poor Shop"})
	if err != nil {
		t.Fatal(err)
	}
	fenced, err := e.Svc.CreateReseller(ctx, core.NewReseller{Name: "Fenced Shop", AllowIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if err != nil {
		t.Fatal(err)
	}
	e.Fund(t, fenced, 100_000)
	// An order to replay.
	if status, body := call(t, e, http.MethodPost, "/api/v1/order", e.A.Token, `{"code":"MLBB_ID_5","referenceNumber":"taken","data":"081234567890"}`); status != http.StatusOK {
		t.Fatalf("first order: %d %s", status, body)
	}
	var invoice string
	{
		o, err := e.Svc.OrderByReference(ctx, e.A.Reseller.ID, "taken")
		if err != nil {
			t.Fatal(err)
		}
		invoice = o.Invoice
	}
	A, B := e.A.Token, e.B.Token
	order := func(fields string) string { return `{` + fields + `}` }
	ok := `"code":"MLBB_ID_5","referenceNumber":"new-1","data":"081234567890"`
	big := strings.Repeat("9", 5<<10)

	cases := []struct {
		name   string
		method string
		path   string
		auth   string // the whole Authorization header; "" sends none
		hdr    map[string]string
		body   string
		code   int
	}{
		// Wrong types.
		{"code number", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":5,"referenceNumber":"t1","data":"0812"`), 400},
		{"code bool", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":true,"referenceNumber":"t2","data":"0812"`), 400},
		{"code array", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":["MLBB_ID_5"],"referenceNumber":"t3","data":"0812"`), 400},
		{"code object", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":{"x":1},"referenceNumber":"t4","data":"0812"`), 400},
		{"reference number", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":12345,"data":"0812"`), 400},
		{"reference negative", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":-1,"data":"0812"`), 400},
		{"reference overflow", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":1e999,"data":"0812"`), 400},
		{"data number", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"t5","data":81234567890`), 400},
		{"data huge number", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"t6","data":99999999999999999999999999`), 400},
		{"data null", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"t7","data":null`), 400},
		{"body array", "", "/api/v1/order", "Bearer " + A, nil, `[` + order(ok) + `]`, 400},
		{"body string", "", "/api/v1/order", "Bearer " + A, nil, `"MLBB_ID_5"`, 400},
		{"body number", "", "/api/v1/order", "Bearer " + A, nil, `-1`, 400},
		{"body null", "", "/api/v1/order", "Bearer " + A, nil, `null`, 400},
		{"body empty", "", "/api/v1/order", "Bearer " + A, nil, ``, 400},
		{"body truncated", "", "/api/v1/order", "Bearer " + A, nil, order(ok)[:20], 400},
		{"two objects", "", "/api/v1/order", "Bearer " + A, nil, order(ok) + order(ok), 400},
		{"form encoded", "", "/api/v1/order", "Bearer " + A, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, `code=MLBB_ID_5&referenceNumber=t8&data=0812`, 400},
		{"variant code number", "", "/api/v1/variant", "Bearer " + A, nil, `{"code":1}`, 400},
		{"variant no code", "", "/api/v1/variant", "Bearer " + A, nil, `{}`, 400},
		// Missing fields.
		{"no code", "", "/api/v1/order", "Bearer " + A, nil, order(`"referenceNumber":"t9","data":"0812"`), 400},
		{"no reference", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","data":"0812"`), 400},
		{"no data", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"t10"`), 400},
		{"blank data", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"t11","data":"   "`), 400},
		// Huge bodies and fields.
		{"body over limit", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"t12","data":"` + big + `"`), 413},
		{"whitespace over limit", "", "/api/v1/order", "Bearer " + A, nil, strings.Repeat(" ", 5<<10) + order(ok), 413},
		{"long reference", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"` + strings.Repeat("r", 65) + `","data":"0812"`), 400},
		{"long data", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"t13","data":"` + strings.Repeat("1", 65) + `"`), 400},
		{"long code", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"` + strings.Repeat("C", 2000) + `","referenceNumber":"t14","data":"0812"`), 404},
		{"deep nesting", "", "/api/v1/order", "Bearer " + A, nil, strings.Repeat(`{"a":`, 600) + `1` + strings.Repeat(`}`, 600), 400},
		// Unicode.
		{"fullwidth code", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_５","referenceNumber":"t15","data":"0812"`), 404},
		{"unicode reference", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"réf-1","data":"0812"`), 400},
		{"emoji data", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"t16","data":"0812😀"`), 400},
		{"rtl override data", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"t17","data":"0812\u202e21"`), 400},
		{"nul in reference", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"t\u0000","data":"0812"`), 400},
		{"invalid utf8", "", "/api/v1/order", "Bearer " + A, nil, "{\"code\":\"MLBB_ID_5\",\"referenceNumber\":\"t18\xff\",\"data\":\"0812\"}", 400},
		{"newline in data", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"t19","data":"0812\n1"`), 400},
		// SQL injection.
		{"sql in code", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5' OR '1'='1","referenceNumber":"t20","data":"0812"`), 404},
		{"sql in code comment", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"x'; DROP TABLE orders; --","referenceNumber":"t21","data":"0812"`), 404},
		{"sql in reference", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"x' OR 1=1 --","data":"0812"`), 400},
		{"sql in variant", "", "/api/v1/variant", "Bearer " + A, nil, `{"code":"mobile-legends' OR '1'='1"}`, 404},
		{"sql in invoice", "", "/api/v1/status-order/x'%20OR%20'1'='1", "Bearer " + A, nil, ``, 404},
		{"sql in token", "", "/api/v1/balance", "Bearer ' OR '1'='1", nil, ``, 401},
		// Header injection and authentication.
		{"no authorization", "", "/api/v1/order", "", nil, order(ok), 401},
		{"basic auth", "", "/api/v1/order", "Basic " + A, nil, order(ok), 401},
		{"empty bearer", "", "/api/v1/order", "Bearer ", nil, order(ok), 401},
		{"wrong token", "", "/api/v1/order", "Bearer " + strings.Repeat("0", 64), nil, order(ok), 401},
		{"token with suffix", "", "/api/v1/order", "Bearer " + A + "x", nil, order(ok), 401},
		{"token truncated", "", "/api/v1/order", "Bearer " + A[:len(A)-1], nil, order(ok), 401},
		{"two tokens", "", "/api/v1/order", "Bearer " + A + ", Bearer " + B, nil, order(ok), 401},
		{"token with tab", "", "/api/v1/order", "Bearer " + A + "\tx", nil, order(ok), 401},
		{"spoofed forwarded-for", "", "/api/v1/order", "Bearer " + fenced.Token, map[string]string{"X-Forwarded-For": "10.1.2.3", "X-Real-IP": "10.1.2.3"}, order(`"code":"MLBB_ID_5","referenceNumber":"t22","data":"0812"`), 403},
		{"poor reseller", "", "/api/v1/order", "Bearer " + poor.Token, nil, order(`"code":"MLBB_ID_5","referenceNumber":"t23","data":"0812"`), 402},
		// Replayed references.
		{"replay other code", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_12","referenceNumber":"taken","data":"081234567890"`), 409},
		{"replay other data", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_ID_5","referenceNumber":"taken","data":"089999999999"`), 409},
		{"replay other invoice owner", "", "/api/v1/status-order/" + invoice, "Bearer " + B, nil, ``, 404},
		// Methods and paths.
		{"get order", http.MethodGet, "/api/v1/order", "Bearer " + A, nil, ``, 405},
		{"put order", http.MethodPut, "/api/v1/order", "Bearer " + A, nil, order(ok), 405},
		{"unknown path", "", "/api/v1/orders", "Bearer " + A, nil, order(ok), 404},
		{"path traversal", "", "/api/v1/status-order/..%2F..%2Fbalance", "Bearer " + A, nil, ``, 404},
		{"no invoice", "", "/api/v1/status-order/", "Bearer " + A, nil, ``, 400},
		// Catalog rules.
		{"inactive variant", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_OFF","referenceNumber":"t24","data":"0812"`), 422},
		{"sold out", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_SOLD","referenceNumber":"t25","data":"0812"`), 422},
		{"no price for tier", "", "/api/v1/order", "Bearer " + A, nil, order(`"code":"MLBB_VIP","referenceNumber":"t26","data":"0812"`), 422},
	}
	if len(cases) < 50 {
		t.Fatalf("only %d cases", len(cases))
	}
	before := storetest.Dump(t, e.DB)
	for _, c := range cases {
		method := c.method
		if method == "" {
			method = http.MethodPost
		}
		req, err := http.NewRequest(method, e.URL+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		req.Header.Set("Content-Type", "application/json")
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		for k, v := range c.hdr {
			req.Header.Set(k, v)
		}
		resp, err := e.Server.Client().Do(req)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var env struct {
			Error   *bool           `json:"error"`
			Code    int             `json:"code"`
			Message string          `json:"message"`
			Data    json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(raw, &env); err != nil || env.Error == nil {
			t.Errorf("%s: not an envelope: %d %q", c.name, resp.StatusCode, raw)
			continue
		}
		if resp.StatusCode != c.code || env.Code != c.code || !*env.Error || env.Message == "" || string(env.Data) != "null" {
			t.Errorf("%s: got %d %s, want %d", c.name, resp.StatusCode, raw, c.code)
		}
		if after := storetest.Dump(t, e.DB); after != before {
			t.Fatalf("%s changed the database:\nbefore:\n%s\nafter:\n%s", c.name, before, after)
		}
	}
	e.CheckLedger(t)
}
