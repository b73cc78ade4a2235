package basstore_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// snapshot is what a refused request must leave as it was.
type snapshot struct {
	balanceA, balanceB, orders, stock int64
}

func snap(t *testing.T, e *basstoretest.Env) snapshot {
	t.Helper()
	v, err := e.Svc.Variant(context.Background(), "MLBB_WDP")
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{e.Balance(t, e.A), e.Balance(t, e.B), e.OrderCount(t), v.Stock}
}

type errCase struct {
	name   string
	method string // POST when empty
	path   string
	token  string // "A", "B", "poor", "fenced", "suspended", or a literal token ("" for none)
	body   string
	code   int
	msg    string // a part of the message the answer must hold
}

// TestErrors sends every kind of bad request and checks the answer (code, envelope, exact JSON
// in the golden files) and that nothing changed.
func TestErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := basstoretest.New(t, basstoretest.Config{Backend: b})
		ctx := context.Background()
		e.Fund(t, e.A, 100000)
		e.Fund(t, e.B, 100000)
		poor, err := e.Svc.CreateReseller(ctx, core.NewReseller{Name: "Poor Shop"})
		if err != nil {
			t.Fatal(err)
		}
		e.Fund(t, poor, 1000)
		fenced, err := e.Svc.CreateReseller(ctx, core.NewReseller{Name: "Fenced Shop", AllowIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
		if err != nil {
			t.Fatal(err)
		}
		e.Fund(t, fenced, 100000)
		susp, err := e.Svc.CreateReseller(ctx, core.NewReseller{Name: "Gone Shop"})
		if err != nil {
			t.Fatal(err)
		}
		e.Fund(t, susp, 100000)
		if err := e.Svc.SetStatus(ctx, susp.Reseller.Username, reseller.Suspended); err != nil {
			t.Fatal(err)
		}
		tokens := map[string]string{"A": e.A.Token, "B": e.B.Token, "poor": poor.Token, "fenced": fenced.Token, "suspended": susp.Token}

		// Orders the cases refer to: one of A's (for 409 and the multi rule) and one of B's.
		code, ans := call(t, e, http.MethodPost, "/api/v1/order", e.A.Token, `{"code":"S5","referenceNumber":"first","data":"081234567890"}`)
		if code != http.StatusOK {
			t.Fatalf("setup order: %d %s", code, ans)
		}
		code, ans = call(t, e, http.MethodPost, "/api/v1/order", e.B.Token, `{"code":"FF_5","referenceNumber":"b-1","data":"777"}`)
		if code != http.StatusOK {
			t.Fatalf("setup order: %d %s", code, ans)
		}
		bInvoice := invoiceOf(t, ans)

		order := func(code, ref, data string) string {
			b, _ := json.Marshal(map[string]string{"code": code, "referenceNumber": ref, "data": data})
			return string(b)
		}
		big := `{"code":"MLBB_ID_5","referenceNumber":"big","data":"1","pad":"` + strings.Repeat("x", 70<<10) + `"}`

		cases := []errCase{
			{name: "401-no-header", path: "/api/v1/balance", token: "", code: 401, msg: "Bearer"},
			{name: "401-unknown-token", path: "/api/v1/balance", token: "0123456789abcdef0123456789abcdef01234567", code: 401, msg: "invalid API token"},
			{name: "401-unknown-token-order", path: "/api/v1/order", token: "nope", body: order("MLBB_ID_5", "x1", "123"), code: 401},
			{name: "403-ip", path: "/api/v1/order", token: "fenced", body: order("MLBB_ID_5", "x2", "123"), code: 403, msg: "127.0.0.1"},
			{name: "403-suspended", path: "/api/v1/order", token: "suspended", body: order("MLBB_ID_5", "x3", "123"), code: 403, msg: "suspended"},
			{name: "400-malformed", path: "/api/v1/order", token: "A", body: `{"code":"MLBB_ID_5",`, code: 400, msg: "malformed JSON"},
			{name: "400-not-object", path: "/api/v1/order", token: "A", body: `["MLBB_ID_5"]`, code: 400, msg: "JSON object"},
			{name: "400-empty-body", path: "/api/v1/order", token: "A", body: "", code: 400, msg: "JSON object"},
			{name: "400-trailing", path: "/api/v1/order", token: "A", body: order("MLBB_ID_5", "x4", "123") + `}`, code: 400, msg: "malformed JSON"},
			{name: "400-missing-code", path: "/api/v1/order", token: "A", body: `{"referenceNumber":"x5","data":"123"}`, code: 400, msg: "code is required"},
			{name: "400-missing-reference", path: "/api/v1/order", token: "A", body: `{"code":"MLBB_ID_5","data":"123"}`, code: 400, msg: "referenceNumber is required"},
			{name: "400-missing-data", path: "/api/v1/order", token: "A", body: `{"code":"MLBB_ID_5","referenceNumber":"x6"}`, code: 400, msg: "data is required"},
			{name: "400-code-number", path: "/api/v1/order", token: "A", body: `{"code":5,"referenceNumber":"x7","data":"123"}`, code: 400, msg: "code must be a string"},
			{name: "400-data-number", path: "/api/v1/order", token: "A", body: `{"code":"MLBB_ID_5","referenceNumber":"x8","data":12345678}`, code: 400, msg: "data must be a string"},
			{name: "400-reference-space", path: "/api/v1/order", token: "A", body: order("MLBB_ID_5", "x 9", "123"), code: 400, msg: "referenceNumber"},
			{name: "400-reference-long", path: "/api/v1/order", token: "A", body: order("MLBB_ID_5", strings.Repeat("r", 65), "123"), code: 400, msg: "referenceNumber"},
			{name: "400-variant-missing-code", path: "/api/v1/variant", token: "A", body: `{}`, code: 400, msg: "code is required"},
			{name: "400-variant-code-number", path: "/api/v1/variant", token: "A", body: `{"code":1}`, code: 400, msg: "code must be a string"},
			{name: "400-status-no-invoice", path: "/api/v1/status-order/", token: "A", code: 400, msg: "invoice"},
			{name: "404-product", path: "/api/v1/variant", token: "A", body: `{"code":"no-such-game"}`, code: 404, msg: "Product not found"},
			{name: "404-variant", path: "/api/v1/order", token: "A", body: order("NO_SUCH", "x10", "123"), code: 404, msg: "Variant not found"},
			{name: "404-invoice", path: "/api/v1/status-order/KIOS-261124-0000000000AA", token: "A", code: 404, msg: "Invoice not found"},
			{name: "404-invoice-of-another", path: "/api/v1/status-order/" + bInvoice, token: "A", code: 404, msg: "Invoice not found"},
			{name: "404-endpoint", path: "/api/v1/deposit", token: "A", code: 404, msg: "Endpoint"},
			{name: "402", path: "/api/v1/order", token: "poor", body: order("MLBB_ID_12", "x11", "123"), code: 402, msg: "Insufficient balance"},
			{name: "409-other-data", path: "/api/v1/order", token: "A", body: order("S5", "first", "081299999999"), code: 409, msg: "referenceNumber"},
			{name: "409-other-code", path: "/api/v1/order", token: "A", body: order("MLBB_ID_5", "first", "081234567890"), code: 409, msg: "referenceNumber"},
			{name: "422-inactive", path: "/api/v1/order", token: "A", body: order("MLBB_OFF", "x12", "123"), code: 422, msg: "inactive"},
			{name: "422-product-inactive", path: "/api/v1/order", token: "A", body: order("OLD_1", "x13", "123"), code: 422, msg: "inactive"},
			{name: "422-out-of-stock", path: "/api/v1/order", token: "A", body: order("MLBB_SOLD", "x14", "123"), code: 422, msg: "out of stock"},
			{name: "422-cutoff", path: "/api/v1/order", token: "A", body: order("S50", "x15", "081234567890"), code: 422, msg: "cut-off"},
			{name: "422-multi", path: "/api/v1/order", token: "A", body: order("S5", "x16", "081234567890"), code: 422, msg: "already ordered today"},
			{name: "422-no-price", path: "/api/v1/order", token: "A", body: order("MLBB_VIP", "x17", "123"), code: 422, msg: "no price"},
			{name: "405-get", method: http.MethodGet, path: "/api/v1/balance", token: "A", code: 405, msg: "POST"},
			{name: "405-put-order", method: http.MethodPut, path: "/api/v1/order", token: "A", body: order("MLBB_ID_5", "x18", "123"), code: 405},
			{name: "405-get-status", method: http.MethodGet, path: "/api/v1/status-order/" + bInvoice, token: "B", code: 405},
			{name: "413", path: "/api/v1/order", token: "A", body: big, code: 413, msg: "too large"},
		}
		for _, c := range cases {
			before := snap(t, e)
			method := c.method
			if method == "" {
				method = http.MethodPost
			}
			tok, ok := tokens[c.token]
			if !ok {
				tok = c.token
			}
			code, ans := call(t, e, method, c.path, tok, c.body)
			if code != c.code {
				t.Errorf("%s: got %d %s, want %d", c.name, code, ans, c.code)
				continue
			}
			if !strings.Contains(string(ans), c.msg) {
				t.Errorf("%s: message %s lacks %q", c.name, ans, c.msg)
			}
			golden(t, "error-"+c.name, ans)
			if after := snap(t, e); after != before {
				t.Errorf("%s changed state: %+v -> %+v", c.name, before, after)
			}
		}
		e.CheckLedger(t)
		e.CheckNoSecrets(t)
		if !strings.Contains(e.Logs.String(), "refused") {
			t.Error("refusals are not logged")
		}
	})
}

// TestRateLimit checks that a reseller over its rate gets 429, and that the refused order
// changes nothing.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	e := basstoretest.New(t, basstoretest.Config{Policy: access.Policy{Rate: 0.001, Burst: 1}})
	e.Fund(t, e.A, 10000)
	if code, ans := call(t, e, http.MethodPost, "/api/v1/balance", e.A.Token, ""); code != http.StatusOK {
		t.Fatalf("first call: %d %s", code, ans)
	}
	before := snap(t, e)
	code, ans := call(t, e, http.MethodPost, "/api/v1/order", e.A.Token, `{"code":"MLBB_ID_5","referenceNumber":"r","data":"1"}`)
	if code != http.StatusTooManyRequests {
		t.Fatalf("got %d %s, want 429", code, ans)
	}
	golden(t, "error-429", ans)
	if after := snap(t, e); after != before {
		t.Fatalf("429 changed state: %+v -> %+v", before, after)
	}
	// Another reseller has a bucket of its own.
	if code, ans := call(t, e, http.MethodPost, "/api/v1/balance", e.B.Token, ""); code != http.StatusOK {
		t.Fatalf("other reseller: %d %s", code, ans)
	}
}

// TestTrustedProxy checks that X-Forwarded-For counts only from a trusted proxy.
func TestTrustedProxy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, trusted := range []bool{false, true} {
		var pol access.Policy
		if trusted {
			pol.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		}
		e := basstoretest.New(t, basstoretest.Config{Policy: pol})
		cr, err := e.Svc.CreateReseller(ctx, core.NewReseller{Name: "Proxied", AllowIPs: []netip.Prefix{netip.MustParsePrefix("203.0.113.7/32")}})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/api/v1/balance", nil)
		req.Header.Set("Authorization", "Bearer "+cr.Token)
		req.Header.Set("X-Forwarded-For", "203.0.113.7")
		resp, err := e.Server.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := http.StatusForbidden
		if trusted {
			want = http.StatusOK
		}
		if resp.StatusCode != want {
			t.Errorf("trusted=%v: got %d, want %d", trusted, resp.StatusCode, want)
		}
	}
}

// TestServerError checks that a failure inside Kios answers 500 with a message that reveals
// nothing, and is logged.
func TestServerError(t *testing.T) {
	t.Parallel()
	e := basstoretest.New(t, basstoretest.Config{})
	if err := e.DB.Close(); err != nil {
		t.Fatal(err)
	}
	code, ans := call(t, e, http.MethodPost, "/api/v1/balance", e.A.Token, "")
	if code != http.StatusInternalServerError {
		t.Fatalf("got %d %s, want 500", code, ans)
	}
	golden(t, "error-500", ans)
	if strings.Contains(string(ans), "sql") || strings.Contains(string(ans), "closed") {
		t.Fatalf("500 leaks internals: %s", ans)
	}
	if logs := e.Logs.String(); !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "closed") {
		t.Fatalf("server error not logged with its cause:\n%s", logs)
	}
	e.CheckNoSecrets(t)
}

// TestRotatedToken checks that a rotated token stops working at once and the new one works.
func TestRotatedToken(t *testing.T) {
	t.Parallel()
	e := basstoretest.New(t, basstoretest.Config{})
	cr, err := e.Svc.RotateToken(context.Background(), e.A.Reseller.Username)
	if err != nil {
		t.Fatal(err)
	}
	if code, ans := call(t, e, http.MethodPost, "/api/v1/balance", e.A.Token, ""); code != http.StatusUnauthorized {
		t.Fatalf("old token: %d %s", code, ans)
	}
	if code, ans := call(t, e, http.MethodPost, "/api/v1/balance", cr.Token, ""); code != http.StatusOK {
		t.Fatalf("new token: %d %s", code, ans)
	}
}
