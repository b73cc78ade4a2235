package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/metrics"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
	"github.com/kios-h2h/kios/internal/web"
)

// env is a running admin listener with one admin, one reseller and a small catalog.
type env struct {
	t        *testing.T
	db       *store.DB
	svc      *core.Service
	as       *admin.Service
	srv      *httptest.Server
	metrics  *metrics.Metrics
	password string
	token    string // admin API token
	cr       core.Credentials
}

var fastAdmin = admin.Options{BcryptCost: bcrypt.MinCost}

func setup(t *testing.T, opts web.Options) *env {
	t.Helper()
	return setupOn(t, storetest.Backends()[0], opts)
}

// setupOn is setup on a given backend, for tests that run on each (storetest.Each).
func setupOn(t *testing.T, b storetest.Backend, opts web.Options) *env {
	t.Helper()
	ctx := context.Background()
	db := b.Open(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// A public URL lets tests open payments at gateways that need one (the sandbox's pay links).
	svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: log, PublicURL: "https://kios.example"})
	if err != nil {
		t.Fatal(err)
	}
	err = svc.SaveCatalog(ctx, []catalog.Product{{Code: "mobile-legends", Name: "Mobile Legends", Active: true}},
		[]catalog.Variant{
			{ProductCode: "mobile-legends", Code: "MLBB_ID_5", Name: "5 Diamonds", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 1389}},
			{ProductCode: "mobile-legends", Code: "MLBB_LTD", Name: "Limited", Active: true, UnlimitedStock: false, Stock: 3, Multi: true, Prices: map[string]int64{"default": 1000}},
		})
	if err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Test Shop", Username: "testshop"})
	if err != nil {
		t.Fatal(err)
	}
	opts.Admin = fastAdmin
	if opts.Metrics == nil {
		opts.Metrics = metrics.New(db, log)
	}
	opts.Logger = log
	as := admin.NewService(svc, fastAdmin)
	pw, err := as.CreateAdmin(ctx, admin.Actor{Name: "test"}, "boss")
	if err != nil {
		t.Fatal(err)
	}
	_, id, err := as.Login(ctx, "boss", pw, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := as.CreateToken(ctx, id, "127.0.0.1", "tests")
	if err != nil {
		t.Fatal(err)
	}
	// Every admin API call a test makes is checked against the API's description (openapi_test.go).
	srv := httptest.NewServer(adminSpec(t).Handler(t, "/admin/api/", web.New(svc, opts)))
	t.Cleanup(srv.Close)
	return &env{t: t, db: db, svc: svc, as: as, srv: srv, metrics: opts.Metrics, password: pw, token: tok, cr: cr}
}

// call makes a request with an optional bearer token and JSON body, returning status and body.
func (e *env) call(method, path, bearer string, body any) (int, []byte) {
	e.t.Helper()
	if body == nil {
		return e.send(method, path, bearer, "", nil)
	}
	b, _ := json.Marshal(body)
	return e.send(method, path, bearer, "application/json", bytes.NewReader(b))
}

// send makes a request with an optional bearer token and a body of the given content type.
func (e *env) send(method, path, bearer, contentType string, body io.Reader) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// api calls with the admin token and decodes the answer into out, failing unless status is want.
func (e *env) api(method, path string, body any, want int, out any) {
	e.t.Helper()
	st, b := e.call(method, path, e.token, body)
	if st != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, st, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

// browser is a cookie-holding client logged in through the login form.
type browser struct {
	c    *http.Client
	base string
	csrf string
}

func (e *env) login(t *testing.T) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(e.srv.URL+"/admin/login", url.Values{"username": {"boss"}, "password": {e.password}, "next": {"/admin/orders"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/orders" {
		t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "kios_admin" {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Strict, not Secure on plain HTTP", ck)
	}
	b := &browser{c: c, base: e.srv.URL}
	var me struct {
		Username  string `json:"username"`
		CSRFToken string `json:"csrf_token"`
	}
	st, body := b.do(t, "GET", "/admin/api/me", "", nil)
	if st != 200 || json.Unmarshal(body, &me) != nil || me.Username != "boss" || me.CSRFToken == "" {
		t.Fatalf("me: %d %s", st, body)
	}
	b.csrf = me.CSRFToken
	return b
}

func (b *browser) do(t *testing.T, method, path, csrf string, form url.Values) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.base+path, rd)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusSeeOther {
		return resp.StatusCode, []byte(resp.Header.Get("Location"))
	}
	return resp.StatusCode, body
}

func (e *env) place(t *testing.T, ref, dest string) *order.Order {
	t.Helper()
	r, err := e.svc.Reseller(context.Background(), e.cr.Reseller.Username)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.PlaceOrder(context.Background(), core.PlaceParams{Reseller: r, VariantCode: "MLBB_ID_5", Reference: ref, Destination: dest})
	if err != nil {
		t.Fatal(err)
	}
	return p.Order
}

func (e *env) credit(t *testing.T, amount int64) {
	t.Helper()
	if _, err := e.svc.Credit(context.Background(), e.cr.Reseller.Username, amount, "test"); err != nil {
		t.Fatal(err)
	}
}

func (e *env) checkLedger(t *testing.T) {
	t.Helper()
	rep, err := e.svc.LedgerCheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger check: %v", rep.Discrepancies)
	}
}

func (e *env) audit(t *testing.T, target string) []web.AuditView {
	t.Helper()
	var out struct {
		Entries []web.AuditView `json:"entries"`
	}
	e.api("GET", "/admin/api/audit?target="+url.QueryEscape(target), nil, 200, &out)
	return out.Entries
}

// endpoints lists every admin API endpoint with a valid request, for the authorization test.
var endpoints = []struct {
	method, path string
	body         any
}{
	{"GET", "/admin/api/me", nil},
	{"GET", "/admin/api/stats", nil},
	{"GET", "/admin/api/resellers", nil},
	{"POST", "/admin/api/resellers", map[string]any{"name": "Other Shop"}},
	{"GET", "/admin/api/resellers/testshop", nil},
	{"POST", "/admin/api/resellers/testshop/token", nil},
	{"POST", "/admin/api/resellers/testshop/api-key", nil},
	{"POST", "/admin/api/resellers/testshop/allow-ip", map[string]any{"cidr": "203.0.113.7"}},
	{"POST", "/admin/api/resellers/testshop/deny-ip", map[string]any{"cidr": "203.0.113.7"}},
	{"POST", "/admin/api/resellers/testshop/suspend", nil},
	{"POST", "/admin/api/resellers/testshop/resume", nil},
	{"POST", "/admin/api/resellers/testshop/membership", map[string]any{"membership": "gold"}},
	{"POST", "/admin/api/resellers/testshop/callback", map[string]any{"url": "https://shop.example/cb"}},
	{"POST", "/admin/api/resellers/testshop/slots", map[string]any{"slots": 2}},
	{"POST", "/admin/api/deposits", map[string]any{"username": "testshop", "amount": 1000, "note": "t"}},
	{"GET", "/admin/api/deposit-tickets", nil},
	{"GET", "/admin/api/catalog/products", nil},
	{"GET", "/admin/api/catalog/variants", nil},
	{"PATCH", "/admin/api/catalog/variants/MLBB_ID_5", map[string]any{"prices": map[string]int64{"default": 1400}}},
	{"GET", "/admin/api/catalog/variants/MLBB_ID_5/limits", nil},
	{"PUT", "/admin/api/catalog/variants/MLBB_ID_5/limits", map[string]any{"max_loss": 100}},
	{"POST", "/admin/api/catalog/bulk", map[string]any{"edits": []map[string]any{{"code": "MLBB_LTD", "stock": 5}}}},
	{"POST", "/admin/api/catalog/import", nil},
	{"GET", "/admin/api/orders?q=x", nil},
	{"GET", "/admin/api/suppliers", nil},
	{"POST", "/admin/api/suppliers", map[string]any{"name": "up", "kind": "simulator"}},
	{"GET", "/admin/api/suppliers/simulator", nil},
	{"POST", "/admin/api/suppliers/up/disable", nil},
	{"POST", "/admin/api/suppliers/up/enable", nil},
	{"POST", "/admin/api/suppliers/up/map", map[string]any{"sku": "X", "variant": "MLBB_ID_5"}},
	{"POST", "/admin/api/suppliers/up/deposit", map[string]any{"amount": 1000}},
	{"POST", "/admin/api/suppliers/up/balance", nil},
	{"POST", "/admin/api/catalog/sync", nil},
	{"GET", "/admin/api/catalog/sync", nil},
	{"GET", "/admin/api/catalog/export", nil},
	{"GET", "/admin/api/markup", nil},
	{"POST", "/admin/api/markup", map[string]any{"percent": 3}},
	{"GET", "/admin/api/reports/margin", nil},
	{"POST", "/admin/api/deposit-tickets/match", nil},
	{"POST", "/admin/api/admins/second/reset-password", nil},
	{"POST", "/admin/api/admins/second/disable", nil},
	{"POST", "/admin/api/admins/second/enable", nil},
	{"POST", "/admin/api/admins/second/reset-2fa", nil},
	{"POST", "/admin/api/resellers/testshop/pin", map[string]any{"pin": "123456"}},
	{"POST", "/admin/api/resellers/testshop/bind", map[string]any{"channel": "telegram", "id": "424242"}},
	{"POST", "/admin/api/resellers/testshop/unbind", map[string]any{"channel": "telegram", "id": "424242"}},
	{"GET", "/admin/api/resellers/testshop/transfers", nil},
	{"GET", "/admin/api/resellers/testshop/downlines", nil},
	{"GET", "/admin/api/resellers/testshop/markup", nil},
	{"POST", "/admin/api/resellers/testshop/markup", map[string]any{"rupiah": 1}},
	{"POST", "/admin/api/resellers/testshop/transfers", map[string]any{"downline": "x", "amount": 1, "reference": "r1"}},
	{"GET", "/admin/api/text-limits", nil},
	{"POST", "/admin/api/text-limits", map[string]any{"identity_count": 50}},
	{"GET", "/admin/api/channels", nil},
	{"POST", "/admin/api/channels", map[string]any{"kind": "telegram", "token": "123:abc"}},
	{"DELETE", "/admin/api/channels/jabber", nil},
	{"GET", "/admin/api/settings", nil},
	{"POST", "/admin/api/settings", map[string]any{"name": "seller_name", "value": "Toko"}},
	{"GET", "/admin/api/banks", nil},
	{"POST", "/admin/api/banks", map[string]any{"bank": "BCA", "account_no": "123", "holder": "PT Kios"}},
	{"DELETE", "/admin/api/banks/BRI", nil},
	{"POST", "/admin/api/gateways", map[string]any{"name": "sbx", "kind": "sandbox", "base_url": "http://127.0.0.1:9"}},
	{"GET", "/admin/api/gateways", nil},
	{"POST", "/admin/api/gateways/sbx/disable", nil},
	{"POST", "/admin/api/gateways/sbx/enable", nil},
	{"POST", "/admin/api/deposit-payments", map[string]any{"reseller": "testshop", "amount": 20000, "gateway": "sbx"}},
	{"GET", "/admin/api/payments", nil},
	{"GET", "/admin/api/payment-callbacks", nil},
	{"GET", "/admin/api/ledger/accounts", nil},
	{"GET", "/admin/api/ledger/postings?account=revenue", nil},
	{"GET", "/admin/api/ledger/check", nil},
	{"GET", "/admin/api/audit", nil},
	{"GET", "/admin/api/admins", nil},
	{"POST", "/admin/api/admins", map[string]any{"username": "second"}},
	{"GET", "/admin/api/tokens", nil},
	{"POST", "/admin/api/tokens", map[string]any{"name": "x"}},
	{"GET", "/metrics", nil},
}

func TestAuthorization(t *testing.T) {
	t.Parallel()
	pull := &fakePull{}
	e := setup(t, web.Options{Pull: pull})
	pull.svc = e.svc
	e.credit(t, 10000)
	o := e.place(t, "auth-1", "081200000001")
	all := append(endpoints[:len(endpoints):len(endpoints)],
		struct {
			method, path string
			body         any
		}{"GET", "/admin/api/orders/" + o.Invoice, nil},
		struct {
			method, path string
			body         any
		}{"POST", "/admin/api/orders/" + o.Invoice + "/resolve", map[string]any{"status": "Failed"}},
		struct {
			method, path string
			body         any
		}{"DELETE", "/admin/api/tokens/999", nil},
	)
	b := e.login(t)
	for _, ep := range all {
		// No credentials, a reseller's token, a garbage scheme: nothing.
		for _, bearer := range []string{"", e.cr.Token, admin.TokenPrefix + "0000"} {
			if st, body := e.call(ep.method, ep.path, bearer, ep.body); st != http.StatusUnauthorized {
				t.Errorf("%s %s with bearer %q: %d, want 401: %s", ep.method, ep.path, bearer, st, body)
			}
		}
		if ep.method != "GET" {
			// A cookie-authenticated state change without the CSRF token is refused…
			var rd io.Reader
			if ep.body != nil {
				j, _ := json.Marshal(ep.body)
				rd = bytes.NewReader(j)
			}
			req, _ := http.NewRequest(ep.method, e.srv.URL+ep.path, rd)
			req.Header.Set("Content-Type", "application/json")
			resp, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s by cookie without CSRF: %d, want 403", ep.method, ep.path, resp.StatusCode)
			}
			// …and so is one with a wrong token.
			req, _ = http.NewRequest(ep.method, e.srv.URL+ep.path, nil)
			req.Header.Set("X-CSRF-Token", strings.Repeat("0", 64))
			resp, err = b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s by cookie with a wrong CSRF token: %d, want 403", ep.method, ep.path, resp.StatusCode)
			}
		}
	}
	// The admin token gets through to every endpoint.
	for _, ep := range all {
		st, body := e.call(ep.method, ep.path, e.token, ep.body)
		if st == http.StatusUnauthorized || st == http.StatusForbidden || st >= 500 {
			t.Errorf("%s %s with admin token: %d: %s", ep.method, ep.path, st, body)
		}
	}
	// A session with the CSRF header may change state too.
	st, body := b.do(t, "POST", "/admin/api/resellers/testshop/suspend", b.csrf, nil)
	if st != 200 {
		t.Fatalf("suspend by session with CSRF: %d %s", st, body)
	}
}

func TestResellerEndpoints(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{})
	ctx := context.Background()
	var created struct {
		Reseller admin.ResellerView `json:"reseller"`
		Token    string             `json:"token"`
		APIKey   string             `json:"api_key"`
	}
	e.api("POST", "/admin/api/resellers", map[string]any{"name": "Cishop Indo", "membership": "gold", "allow_ips": []string{"203.0.113.7"}}, 201, &created)
	if created.Reseller.Username != "cishopindo" || created.Token == "" || created.APIKey == "" ||
		created.Reseller.Membership != "gold" || len(created.Reseller.AllowIPs) != 1 || created.Reseller.AllowIPs[0] != "203.0.113.7/32" {
		t.Fatalf("created %+v", created)
	}
	if r, err := e.svc.Authenticate(ctx, created.Token); err != nil || r.Username != "cishopindo" {
		t.Fatalf("new token does not authenticate: %v", err)
	}
	e.api("POST", "/admin/api/resellers", map[string]any{"name": "X", "username": "cishopindo"}, 409, nil)
	e.api("POST", "/admin/api/resellers", map[string]any{"name": ""}, 400, nil)
	e.api("POST", "/admin/api/resellers", map[string]any{"name": "Y", "bogus": 1}, 400, nil)
	e.api("GET", "/admin/api/resellers/nobody", nil, 404, nil)

	var list struct {
		Resellers []admin.ResellerView `json:"resellers"`
	}
	e.api("GET", "/admin/api/resellers", nil, 200, &list)
	if len(list.Resellers) != 2 {
		t.Fatalf("list %+v", list)
	}
	raw, _ := json.Marshal(list)
	if strings.Contains(string(raw), created.APIKey) || strings.Contains(string(raw), "token_hash") {
		t.Fatal("reseller list leaks secrets")
	}

	var rot struct {
		Token string `json:"token"`
	}
	e.api("POST", "/admin/api/resellers/cishopindo/token", nil, 200, &rot)
	if rot.Token == "" || rot.Token == created.Token {
		t.Fatalf("rotate: %+v", rot)
	}
	if _, err := e.svc.Authenticate(ctx, created.Token); err == nil {
		t.Fatal("old token still works after rotation")
	}
	var key struct {
		APIKey string `json:"api_key"`
	}
	e.api("POST", "/admin/api/resellers/cishopindo/api-key", nil, 200, &key)
	if key.APIKey == "" || key.APIKey == created.APIKey {
		t.Fatalf("api key: %+v", key)
	}

	var v admin.ResellerView
	e.api("POST", "/admin/api/resellers/cishopindo/allow-ip", map[string]any{"cidr": "198.51.100.0/24"}, 200, &v)
	if len(v.AllowIPs) != 2 {
		t.Fatalf("allow: %+v", v.AllowIPs)
	}
	e.api("POST", "/admin/api/resellers/cishopindo/deny-ip", map[string]any{"cidr": "203.0.113.7"}, 200, &v)
	if len(v.AllowIPs) != 1 || v.AllowIPs[0] != "198.51.100.0/24" {
		t.Fatalf("deny: %+v", v.AllowIPs)
	}
	e.api("POST", "/admin/api/resellers/cishopindo/allow-ip", map[string]any{"cidr": "not-an-ip"}, 400, nil)
	e.api("POST", "/admin/api/resellers/cishopindo/suspend", nil, 200, &v)
	if v.Status != "suspended" {
		t.Fatalf("suspend: %+v", v)
	}
	e.api("POST", "/admin/api/resellers/cishopindo/resume", nil, 200, &v)
	if v.Status != "active" {
		t.Fatalf("resume: %+v", v)
	}
	e.api("POST", "/admin/api/resellers/cishopindo/membership", map[string]any{"membership": "platinum"}, 200, &v)
	if v.Membership != "platinum" {
		t.Fatalf("membership: %+v", v)
	}
	e.api("POST", "/admin/api/resellers/cishopindo/callback", map[string]any{"url": "https://shop.example/cb"}, 200, &v)
	if v.CallbackURL != "https://shop.example/cb" {
		t.Fatalf("callback: %+v", v)
	}
	// A hot reseller's balance in slots: the balance shown is their sum, the same before and after.
	const balance = 100_000
	e.api("POST", "/admin/api/deposits", map[string]any{"username": "cishopindo", "amount": balance, "note": "slots"}, 200, nil)
	e.api("POST", "/admin/api/resellers/cishopindo/slots", map[string]any{"slots": 4}, 200, &v)
	if v.Slots != 4 || v.Balance != balance {
		t.Fatalf("slots: %+v, want 4 slots and balance %d", v, balance)
	}
	e.api("POST", "/admin/api/resellers/cishopindo/slots", map[string]any{"slots": -1}, 400, nil)
	e.api("POST", "/admin/api/resellers/cishopindo/slots", map[string]any{"slots": 65}, 400, nil)
	e.api("POST", "/admin/api/resellers/cishopindo/slots", map[string]any{}, 400, nil)
	e.api("POST", "/admin/api/resellers/cishopindo/slots", map[string]any{"slots": 0}, 200, &v)
	if v.Slots != 0 || v.Balance != balance {
		t.Fatalf("slots undone: %+v, want 0 slots and balance %d", v, balance)
	}
	e.api("POST", "/admin/api/resellers/cishopindo/nonsense", nil, 404, nil)
	e.api("POST", "/admin/api/resellers/nobody/suspend", nil, 404, nil)

	entries := e.audit(t, "reseller:cishopindo")
	actions := map[string]web.AuditView{}
	for _, a := range entries {
		actions[a.Action] = a
		if a.Actor != "boss/tests" {
			t.Errorf("audit actor %q, want boss/tests", a.Actor)
		}
	}
	for _, want := range []string{"reseller.create", "reseller.rotate-token", "reseller.rotate-api-key", "reseller.allow-ip",
		"reseller.deny-ip", "reseller.suspend", "reseller.resume", "reseller.membership", "reseller.callback", "reseller.slots"} {
		if _, ok := actions[want]; !ok {
			t.Errorf("no audit row for %s", want)
		}
	}
	sus := actions["reseller.suspend"]
	if !strings.Contains(string(sus.Before), `"status":"active"`) || !strings.Contains(string(sus.After), `"status":"suspended"`) {
		t.Errorf("suspend audit before/after: %s → %s", sus.Before, sus.After)
	}
	for _, a := range entries {
		if strings.Contains(string(a.After), created.APIKey) || strings.Contains(string(a.After), rot.Token) {
			t.Fatal("audit log holds a secret")
		}
	}
}

func TestDepositEndpoint(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{})
	var out struct {
		Balance int64 `json:"balance"`
	}
	e.api("POST", "/admin/api/deposits", map[string]any{"username": "testshop", "amount": 50000, "note": "BCA 123"}, 200, &out)
	if out.Balance != 50000 {
		t.Fatalf("credit: %+v", out)
	}
	e.api("POST", "/admin/api/deposits", map[string]any{"username": "testshop", "amount": 20000, "note": "fix", "debit": true}, 200, &out)
	if out.Balance != 30000 {
		t.Fatalf("debit: %+v", out)
	}
	e.api("POST", "/admin/api/deposits", map[string]any{"username": "testshop", "amount": 30001, "debit": true}, 409, nil)
	e.api("POST", "/admin/api/deposits", map[string]any{"username": "testshop", "amount": 0}, 400, nil)
	e.api("POST", "/admin/api/deposits", map[string]any{"username": "testshop", "amount": -5}, 400, nil)
	e.api("POST", "/admin/api/deposits", map[string]any{"username": "nobody", "amount": 5}, 404, nil)
	e.api("POST", "/admin/api/deposits", map[string]any{"amount": 5}, 400, nil)
	if bal, _ := e.svc.Balance(context.Background(), e.cr.Reseller.ID); bal != 30000 {
		t.Fatalf("balance %d after refused requests", bal)
	}
	var ps struct {
		Postings []struct {
			Memo string `json:"memo"`
		} `json:"postings"`
	}
	e.api("GET", "/admin/api/ledger/postings?account="+url.QueryEscape(ledger.AvailableCode(e.cr.Reseller.ID)), nil, 200, &ps)
	if len(ps.Postings) != 2 || !strings.Contains(ps.Postings[1].Memo, "BCA 123 (by boss/tests)") {
		t.Fatalf("postings %+v", ps)
	}
	entries := e.audit(t, "reseller:testshop")
	if len(entries) != 2 || entries[0].Action != "deposit.debit" || entries[1].Action != "deposit.credit" ||
		string(entries[1].Before) != `{"balance":0}` || !strings.Contains(string(entries[1].After), `"balance":50000`) {
		t.Fatalf("audit %+v", entries)
	}
	defer func() {
		// The referenced credit is audited once, its repeat not at all; the debit once.
		if entries := e.audit(t, "reseller:testshop"); len(entries) != 4 || !strings.Contains(string(entries[1].After), `"reference":"BCA-77"`) {
			t.Errorf("audit after referenced moves: %+v", entries)
		}
	}()
	// With a reference, a retried request moves nothing and says so; the same reference for
	// another amount is a conflict.
	var ref struct {
		Balance  int64 `json:"balance"`
		Repeated bool  `json:"repeated"`
	}
	for i, want := range []bool{false, true} {
		e.api("POST", "/admin/api/deposits", map[string]any{"username": "testshop", "amount": 1000, "reference": "BCA-77"}, 200, &ref)
		if ref.Balance != 31000 || ref.Repeated != want {
			t.Fatalf("referenced credit %d: %+v", i, ref)
		}
	}
	e.api("POST", "/admin/api/deposits", map[string]any{"username": "testshop", "amount": 999, "reference": "BCA-77"}, 409, nil)
	e.api("POST", "/admin/api/deposits", map[string]any{"username": "testshop", "amount": 999, "reference": "bad ref"}, 400, nil)
	e.api("POST", "/admin/api/deposits", map[string]any{"username": "testshop", "amount": 1000, "debit": true, "reference": "FIX-9"}, 200, &ref)
	if ref.Balance != 30000 {
		t.Fatalf("referenced debit: %+v", ref)
	}
	e.checkLedger(t)
	// Deposit tickets are not wired in this test: listed empty, actions 404.
	e.api("GET", "/admin/api/deposit-tickets", nil, 200, nil)
	e.api("POST", "/admin/api/deposit-tickets/1/approve", nil, 404, nil)
}

// TestVariantLimitsEndpoints: a variant's max loss is read, set (audited with the change) and
// given back to the server's default; bad values are 400, unknown variants 404.
func TestVariantLimitsEndpoints(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{})
	var l core.VariantLimits
	e.api("GET", "/admin/api/catalog/variants/MLBB_ID_5/limits", nil, 200, &l)
	if l.Own || l.MaxLoss != 0 || l.LowestPrice != 1389 || l.MaxPrice != 1389 {
		t.Fatalf("limits %+v", l)
	}
	e.api("PUT", "/admin/api/catalog/variants/MLBB_ID_5/limits", map[string]any{"max_loss": 500}, 200, &l)
	if !l.Own || l.MaxLoss != 500 || l.MaxPrice != 1889 {
		t.Fatalf("set %+v", l)
	}
	e.api("GET", "/admin/api/catalog/variants/MLBB_ID_5/limits", nil, 200, &l)
	if !l.Own || l.MaxLoss != 500 {
		t.Fatalf("read back %+v", l)
	}
	e.api("PUT", "/admin/api/catalog/variants/MLBB_ID_5/limits", map[string]any{"max_loss": -1}, 400, nil)
	e.api("PUT", "/admin/api/catalog/variants/MLBB_ID_5/limits", map[string]any{"max_los": 1}, 400, nil)
	e.api("PUT", "/admin/api/catalog/variants/NOPE/limits", map[string]any{"max_loss": 1}, 404, nil)
	e.api("PUT", "/admin/api/catalog/variants/MLBB_ID_5/limits", map[string]any{"max_loss": nil}, 200, &l)
	if l.Own || l.MaxLoss != 0 {
		t.Fatalf("back to default %+v", l)
	}
	// Whether successes need an SN: a prepaid variant's default is yes; sn_required alone leaves
	// max_loss as it is; null gives it back to the default.
	if !l.SNRequired || l.SNOwn {
		t.Fatalf("default sn rule %+v", l)
	}
	e.api("PUT", "/admin/api/catalog/variants/MLBB_ID_5/limits", map[string]any{"max_loss": 300}, 200, &l)
	e.api("PUT", "/admin/api/catalog/variants/MLBB_ID_5/limits", map[string]any{"sn_required": false}, 200, &l)
	if l.SNRequired || !l.SNOwn || !l.Own || l.MaxLoss != 300 {
		t.Fatalf("sn rule set %+v", l)
	}
	e.api("PUT", "/admin/api/catalog/variants/MLBB_ID_5/limits", map[string]any{"sn_required": "no"}, 400, nil)
	e.api("PUT", "/admin/api/catalog/variants/MLBB_ID_5/limits", map[string]any{"sn_required": nil, "max_loss": nil}, 200, &l)
	if !l.SNRequired || l.SNOwn || l.Own {
		t.Fatalf("sn rule and max loss back to default %+v", l)
	}
	var audit struct {
		Entries []web.AuditView `json:"entries"`
	}
	e.api("GET", "/admin/api/audit?action=catalog.limits", nil, 200, &audit)
	if len(audit.Entries) != 5 || audit.Entries[0].Target != "variant:MLBB_ID_5" {
		t.Fatalf("audit %+v", audit)
	}
}

func TestCatalogEndpoints(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{})
	var vs struct {
		Variants []admin.VariantView `json:"variants"`
	}
	e.api("GET", "/admin/api/catalog/variants?product=mobile-legends", nil, 200, &vs)
	if len(vs.Variants) != 2 {
		t.Fatalf("variants %+v", vs)
	}
	var v admin.VariantView
	e.api("PATCH", "/admin/api/catalog/variants/MLBB_ID_5", map[string]any{"prices": map[string]int64{"gold": 1300}, "active": false}, 200, &v)
	if v.Prices["default"] != 1389 || v.Prices["gold"] != 1300 || v.Active {
		t.Fatalf("patched %+v", v)
	}
	e.api("PATCH", "/admin/api/catalog/variants/MLBB_LTD", map[string]any{"stock": 9}, 200, &v)
	if v.Stock != 9 || v.UnlimitedStock {
		t.Fatalf("stock %+v", v)
	}
	e.api("PATCH", "/admin/api/catalog/variants/NOPE", map[string]any{"stock": 1}, 404, nil)
	e.api("PATCH", "/admin/api/catalog/variants/MLBB_LTD", map[string]any{"stock": -1}, 400, nil)
	e.api("PATCH", "/admin/api/catalog/variants/MLBB_LTD", map[string]any{"prices": map[string]int64{"default": -1}}, 400, nil)

	// A bulk edit with one bad code changes nothing.
	e.api("POST", "/admin/api/catalog/bulk", map[string]any{"edits": []map[string]any{
		{"code": "MLBB_LTD", "stock": 1}, {"code": "NOPE", "stock": 1}}}, 404, nil)
	got, _ := e.svc.Variant(context.Background(), "MLBB_LTD")
	if got.Stock != 9 {
		t.Fatalf("failed bulk edit changed stock to %d", got.Stock)
	}
	e.api("POST", "/admin/api/catalog/bulk", map[string]any{"edits": []map[string]any{
		{"code": "MLBB_LTD", "stock": 1}, {"code": "MLBB_ID_5", "active": true}}}, 200, &vs)
	if len(vs.Variants) != 2 || vs.Variants[0].Stock != 1 || !vs.Variants[1].Active {
		t.Fatalf("bulk %+v", vs)
	}
	var ps struct {
		Products []map[string]any `json:"products"`
	}
	e.api("GET", "/admin/api/catalog/products", nil, 200, &ps)
	if len(ps.Products) != 1 {
		t.Fatalf("products %+v", ps)
	}
	// CSV import: what `kios catalog export` writes, edited, loads back all or nothing.
	var csvBuf bytes.Buffer
	err := catalog.WriteCSV(&csvBuf, []catalog.Product{{Code: "free-fire", Name: "Free Fire", Active: true}},
		[]catalog.Variant{{ProductCode: "free-fire", Code: "FF_70", Name: "70 Diamonds", Kind: catalog.Prepaid, Active: true,
			UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 9500, "gold": 9300}}})
	if err != nil {
		t.Fatal(err)
	}
	importCSV := func(body string) (int, []byte) {
		req, _ := http.NewRequest("POST", e.srv.URL+"/admin/api/catalog/import", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Authorization", "Bearer "+e.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if st, b := importCSV(csvBuf.String()); st != 200 || !strings.Contains(string(b), `"variants":1`) {
		t.Fatalf("import: %d %s", st, b)
	}
	if v, err := e.svc.Variant(context.Background(), "FF_70"); err != nil || v.Prices["gold"] != 9300 {
		t.Fatalf("imported variant: %v %+v", err, v)
	}
	bad := strings.Replace(csvBuf.String(), "9500", "lots", 1)
	if st, b := importCSV(bad); st != 400 || !strings.Contains(string(b), "line 2") {
		t.Fatalf("bad csv: %d %s", st, b)
	}
	e.api("POST", "/admin/api/catalog/import", map[string]any{}, 415, nil)
	if imp := e.audit(t, "catalog"); len(imp) != 1 || imp[0].Action != "catalog.import" || !strings.Contains(string(imp[0].After), "FF_70") {
		t.Fatalf("import audit %+v", imp)
	}

	entries := e.audit(t, "variant:MLBB_ID_5")
	if len(entries) != 2 || entries[1].Action != "catalog.edit" ||
		!strings.Contains(string(entries[1].Before), `"active":true`) || !strings.Contains(string(entries[1].After), `"gold":1300`) {
		t.Fatalf("catalog audit %+v", entries)
	}
}

func TestOrderSearchAndResolve(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{})
	ctx := context.Background()
	e.credit(t, 10000)
	o1 := e.place(t, "ref-success", "081211112222")
	o2 := e.place(t, "ref-failed", "081233334444")
	if bal, _ := e.svc.Balance(ctx, e.cr.Reseller.ID); bal != 10000-2*1389 {
		t.Fatalf("balance after holds %d", bal)
	}

	var list struct {
		Orders []web.OrderView `json:"orders"`
	}
	for q, want := range map[string]string{o1.Invoice: o1.Invoice, "ref-failed": o2.Invoice, "081211112222": o1.Invoice} {
		e.api("GET", "/admin/api/orders?q="+url.QueryEscape(q), nil, 200, &list)
		if len(list.Orders) != 1 || list.Orders[0].Invoice != want {
			t.Fatalf("search %q: %+v", q, list.Orders)
		}
	}
	e.api("GET", "/admin/api/orders?status=Pending", nil, 200, &list)
	if len(list.Orders) != 2 {
		t.Fatalf("pending: %+v", list.Orders)
	}
	e.api("GET", "/admin/api/orders?status=Bogus", nil, 400, nil)
	e.api("GET", "/admin/api/orders/NOPE", nil, 404, nil)

	// Success needs an SN; an unknown status is refused.
	e.api("POST", "/admin/api/orders/"+o1.Invoice+"/resolve", map[string]any{"status": "Success"}, 400, nil)
	e.api("POST", "/admin/api/orders/"+o1.Invoice+"/resolve", map[string]any{"status": "Pending"}, 400, nil)

	var ov web.OrderView
	e.api("POST", "/admin/api/orders/"+o1.Invoice+"/resolve", map[string]any{"status": "Success", "sn": "SN-123"}, 200, &ov)
	if ov.Status != "Success" || ov.SN != "SN-123" {
		t.Fatalf("resolved %+v", ov)
	}
	e.api("POST", "/admin/api/orders/"+o2.Invoice+"/resolve", map[string]any{"status": "Failed", "message": "operator refund"}, 200, &ov)
	if ov.Status != "Failed" || ov.Message != "operator refund" {
		t.Fatalf("resolved %+v", ov)
	}
	// A final order is never settled twice.
	e.api("POST", "/admin/api/orders/"+o2.Invoice+"/resolve", map[string]any{"status": "Failed"}, 409, nil)
	e.api("POST", "/admin/api/orders/"+o1.Invoice+"/resolve", map[string]any{"status": "Failed"}, 409, nil)

	// Success captured one price into revenue; Failed refunded the other.
	if bal, _ := e.svc.Balance(ctx, e.cr.Reseller.ID); bal != 10000-1389 {
		t.Fatalf("available %d, want %d", bal, 10000-1389)
	}
	if held, _ := e.db.Balance(ctx, ledger.HeldCode(e.cr.Reseller.ID)); held != 0 {
		t.Fatalf("held %d", held)
	}
	if rev, _ := e.db.Balance(ctx, ledger.RevenueCode); rev != 1389 {
		t.Fatalf("revenue %d", rev)
	}
	if jobs, _ := e.db.JobCounts(ctx); jobs[store.JobFulfil] != 0 {
		t.Fatalf("fulfil jobs left: %v", jobs)
	}
	e.checkLedger(t)
	var check struct {
		OK bool `json:"ok"`
	}
	e.api("GET", "/admin/api/ledger/check", nil, 200, &check)
	if !check.OK {
		t.Fatal("ledger check endpoint not ok")
	}

	var detail struct {
		Order    web.OrderView `json:"order"`
		Postings []struct {
			Txn string `json:"txn"`
		} `json:"postings"`
	}
	e.api("GET", "/admin/api/orders/"+o2.Invoice, nil, 200, &detail)
	if detail.Order.Reseller != "testshop" || len(detail.Postings) != 2 || !strings.HasSuffix(detail.Postings[1].Txn, ":release") {
		t.Fatalf("detail %+v", detail)
	}

	for _, c := range []struct {
		o           *order.Order
		from, to    string
		sn          string
		wantEntries int
	}{{o1, "Pending", "Success", "SN-123", 1}, {o2, "Pending", "Failed", "", 1}} {
		entries := e.audit(t, c.o.Invoice)
		if len(entries) != c.wantEntries {
			t.Fatalf("audit of %s: %+v", c.o.Invoice, entries)
		}
		var before, after core.OrderSnapshot
		if json.Unmarshal(entries[0].Before, &before) != nil || json.Unmarshal(entries[0].After, &after) != nil {
			t.Fatalf("audit json %s %s", entries[0].Before, entries[0].After)
		}
		if entries[0].Action != "order.resolve" || entries[0].Actor != "boss/tests" || before.Status != c.from || after.Status != c.to || after.SN != c.sn {
			t.Fatalf("audit %+v: %+v → %+v", entries[0], before, after)
		}
	}
}

func TestAdminsAndTokens(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{})
	var created struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	e.api("POST", "/admin/api/admins", map[string]any{"username": "second"}, 201, &created)
	if created.Username != "second" || len(created.Password) < 16 {
		t.Fatalf("admin %+v", created)
	}
	e.api("POST", "/admin/api/admins", map[string]any{"username": "second"}, 409, nil)
	e.api("POST", "/admin/api/admins", map[string]any{"username": "X Y"}, 400, nil)
	if _, _, err := e.as.Login(context.Background(), "second", created.Password, "127.0.0.2"); err != nil {
		t.Fatalf("new admin cannot log in: %v", err)
	}
	var tok struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}
	e.api("POST", "/admin/api/tokens", map[string]any{"name": "cron"}, 201, &tok)
	if !strings.HasPrefix(tok.Token, admin.TokenPrefix) {
		t.Fatalf("token %+v", tok)
	}
	if st, _ := e.call("GET", "/admin/api/me", tok.Token, nil); st != 200 {
		t.Fatalf("new token: %d", st)
	}
	var ts struct {
		Tokens []map[string]any `json:"tokens"`
	}
	e.api("GET", "/admin/api/tokens", nil, 200, &ts)
	if len(ts.Tokens) != 2 || strings.Contains(strings.ToLower(mustJSON(ts)), "hash") {
		t.Fatalf("tokens %+v", ts)
	}
	e.api("DELETE", "/admin/api/tokens/"+itoa(tok.ID), nil, 204, nil)
	if st, _ := e.call("GET", "/admin/api/me", tok.Token, nil); st != 401 {
		t.Fatalf("revoked token: %d", st)
	}
	e.api("DELETE", "/admin/api/tokens/"+itoa(tok.ID), nil, 404, nil)
	var admins struct {
		Admins []map[string]any `json:"admins"`
	}
	e.api("GET", "/admin/api/admins", nil, 200, &admins)
	if len(admins.Admins) != 2 || strings.Contains(mustJSON(admins), "$2") {
		t.Fatalf("admins %+v", admins)
	}
	e.api("GET", "/admin/api/nothing-here", nil, 404, nil)
	huge := map[string]any{"username": strings.Repeat("x", 5<<20)}
	e.api("POST", "/admin/api/admins", huge, 413, nil)
}

func TestLoginAndThrottle(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{SecureCookies: true})
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(user, pw string, hdr map[string]string) *http.Response {
		req, _ := http.NewRequest("POST", e.srv.URL+"/admin/login", strings.NewReader(url.Values{"username": {user}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := post("boss", e.password, nil)
	if resp.StatusCode != 303 {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	if ck := resp.Cookies(); len(ck) != 1 || !ck[0].Secure || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie with SecureCookies: %+v", ck)
	}
	if resp := post("boss", e.password, map[string]string{"Origin": "https://evil.example"}); resp.StatusCode != 403 {
		t.Fatalf("cross-site login: %d", resp.StatusCode)
	}
	if resp := post("ghost", "whatever", nil); resp.StatusCode != 401 {
		t.Fatalf("unknown user: %d", resp.StatusCode)
	}
	for i := 0; i < 5; i++ {
		if resp := post("boss", "wrong", nil); resp.StatusCode != 401 && resp.StatusCode != 429 {
			t.Fatalf("wrong password: %d", resp.StatusCode)
		}
	}
	// Too many failures: even the right password is refused for a while.
	if resp := post("boss", e.password, nil); resp.StatusCode != 429 {
		t.Fatalf("after failures: %d, want 429", resp.StatusCode)
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{})
	e.credit(t, 5000)
	e.place(t, "m-1", "0812")

	// A dialect handler wrapped by the middleware is labelled by route pattern, not raw path.
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/order/{invoice}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) })
	dialect := httptest.NewServer(e.metrics.Middleware("basstore", mux))
	defer dialect.Close()
	for _, p := range []string{"/api/v1/order/INV-1", "/api/v1/order/INV-2", "/wp-login.php"} {
		resp, err := http.Get(dialect.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// A supplier wrapped by the decorator is timed and counted.
	sup := e.metrics.Supplier("broken", supplier.AsConnection(failingSupplier{}))
	_, _ = sup.Purchase(context.Background(), supplierRequest())

	if st, _ := e.call("GET", "/metrics", "", nil); st != 401 {
		t.Fatalf("metrics without auth: %d", st)
	}
	st, body := e.call("GET", "/metrics", e.token, nil)
	if st != 200 {
		t.Fatalf("metrics: %d", st)
	}
	text := string(body)
	for _, want := range []string{
		`kios_orders{product="mobile-legends",status="Pending"} 1`,
		`kios_queue_jobs{kind="fulfil"} 1`,
		`kios_balances_owed_rupiah 5000`,
		`kios_database_up 1`,
		`kios_http_request_duration_seconds_count{code="404",handler="basstore",method="GET",route="GET /api/v1/order/{invoice}"} 2`,
		`kios_http_request_duration_seconds_count{code="404",handler="basstore",method="GET",route="unmatched"} 1`,
		`kios_supplier_request_duration_seconds_count{op="purchase",supplier="broken"} 1`,
		`kios_supplier_errors_total{op="purchase",supplier="broken"} 1`,
		`kios_supplier_results_total{op="purchase",state="unknown",supplier="broken"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(text, "INV-1") {
		t.Error("raw path leaked into labels")
	}

	pub := setup(t, web.Options{PublicMetrics: true})
	if st, _ := pub.call("GET", "/metrics", "", nil); st != 200 {
		t.Fatalf("public metrics: %d", st)
	}
}

func TestPages(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{})
	e.credit(t, 10000)
	o := e.place(t, "page-1", "081255556666")
	b := e.login(t)

	// Unauthenticated pages redirect to the login page.
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(e.srv.URL + "/admin/orders")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login?next=") {
		t.Fatalf("anonymous page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = c.Get(e.srv.URL + "/")
	resp.Body.Close()
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/" {
		t.Fatalf("root: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	for path, want := range map[string]string{
		"/admin/":                                "Sales per day",
		"/admin/orders":                          o.Invoice,
		"/admin/orders?q=081255556666":           o.Invoice,
		"/admin/orders/rows":                     o.Invoice,
		"/admin/orders/" + o.Invoice:             "Mark Failed and refund",
		"/admin/resellers":                       "testshop",
		"/admin/resellers/testshop":              "Rotate token",
		"/admin/deposits":                        "Credit or debit",
		"/admin/catalog":                         "MLBB_ID_5",
		"/admin/suppliers":                       "simulator",
		"/admin/ledger?account=deposits&check=1": "Ledger check clean",
		"/admin/audit":                           "admin.create",
		"/admin/admins":                          "boss",
		"/admin/static/app.css":                  "--brand",
		"/admin/static/htmx.min.js":              "htmx",
	} {
		st, body := b.do(t, "GET", path, "", nil)
		if st != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d, want %q in the page", path, st, want)
		}
	}
	if st, _ := b.do(t, "GET", "/admin/nowhere", "", nil); st != 404 {
		t.Errorf("unknown page: %d", st)
	}

	// Forms: without the csrf field nothing happens; with it the action is done.
	form := url.Values{"status": {"Failed"}, "message": {"refund by hand"}}
	if st, _ := b.do(t, "POST", "/admin/orders/"+o.Invoice+"/resolve", "", form); st != 403 {
		t.Fatalf("form without csrf: %d", st)
	}
	if got, _ := e.svc.Orders(context.Background(), store.OrderFilter{Search: o.Invoice}); got[0].Status != order.Pending {
		t.Fatal("order changed by a forged form")
	}
	form.Set("csrf", b.csrf)
	st, loc := b.do(t, "POST", "/admin/orders/"+o.Invoice+"/resolve", "", form)
	if st != 303 || !strings.Contains(string(loc), "ok=") {
		t.Fatalf("resolve form: %d %s", st, loc)
	}
	if bal, _ := e.svc.Balance(context.Background(), e.cr.Reseller.ID); bal != 10000 {
		t.Fatalf("balance after refund %d", bal)
	}
	for _, f := range []struct {
		path string
		form url.Values
		want string
	}{
		{"/admin/deposits", url.Values{"username": {"testshop"}, "amount": {"2.500"}, "note": {"BCA"}}, "ok="},
		{"/admin/deposits", url.Values{"username": {"testshop"}, "amount": {"abc"}}, "err="},
		{"/admin/resellers", url.Values{"name": {"Form Shop"}, "allow_ips": {"203.0.113.9"}}, "Copy these now"},
		{"/admin/resellers/testshop/suspend", url.Values{}, "ok="},
		{"/admin/resellers/testshop/resume", url.Values{}, "ok="},
		{"/admin/resellers/testshop/allow-ip", url.Values{"cidr": {"192.0.2.1"}}, "ok="},
		{"/admin/resellers/testshop/membership", url.Values{"membership": {"gold"}}, "ok="},
		{"/admin/resellers/testshop/token", url.Values{}, "Copy these now"},
		{"/admin/catalog/variants/MLBB_LTD", url.Values{"tier": {"default"}, "price": {"1100"}, "active": {"on"}, "stock": {"7"}}, "ok="},
		{"/admin/catalog/bulk", url.Values{"edits": {`[{"code":"MLBB_ID_5","prices":{"gold":1300}}]`}}, "ok="},
		{"/admin/catalog/bulk", url.Values{"edits": {`not json`}}, "err="},
		{"/admin/admins", url.Values{"username": {"third"}}, "Copy these now"},
		{"/admin/tokens", url.Values{"name": {"form-token"}}, "kadm_"},
	} {
		f.form.Set("csrf", b.csrf)
		st, body := b.do(t, "POST", f.path, "", f.form)
		if (st != 200 && st != 303) || !strings.Contains(string(body), f.want) {
			t.Errorf("POST %s: %d %.200s, want %q", f.path, st, body, f.want)
		}
	}
	// The deposit form carries a reference drawn when it was rendered: sent twice (a double
	// click, a reload that posts again), it credits once.
	_, page := b.do(t, "GET", "/admin/deposits", "", nil)
	m := regexp.MustCompile(`name="reference" value="(form-[0-9a-z]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("deposit form without a reference: %.300s", page)
	}
	before, _ := e.svc.Balance(context.Background(), e.cr.Reseller.ID)
	twice := url.Values{"username": {"testshop"}, "amount": {"700"}, "reference": {string(m[1])}, "csrf": {b.csrf}}
	for i, want := range []string{"Credited+Rp", "sent+already"} {
		st, body := b.do(t, "POST", "/admin/deposits", "", twice)
		if st != 303 || !strings.Contains(string(body), want) {
			t.Errorf("deposit form, send %d: %d %.200s, want %q", i+1, st, body, want)
		}
	}
	if after, _ := e.svc.Balance(context.Background(), e.cr.Reseller.ID); after != before+700 {
		t.Fatalf("a form sent twice moved %d, want 700", after-before)
	}
	// A CSV uploaded through the catalog page's file form.
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	_ = mw.WriteField("csrf", b.csrf)
	fw, _ := mw.CreateFormFile("file", "catalog.csv")
	_ = catalog.WriteCSV(fw, []catalog.Product{{Code: "pubg", Name: "PUBG Mobile", Active: true}},
		[]catalog.Variant{{ProductCode: "pubg", Code: "PUBG_60", Name: "60 UC", Active: true, UnlimitedStock: true, Multi: true,
			Prices: map[string]int64{"default": 14000}}})
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/admin/catalog/import", &mp)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err = b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || !strings.Contains(loc, "Imported+1+products") {
		t.Fatalf("csv upload: %d %s", resp.StatusCode, loc)
	}
	if _, err := e.svc.Variant(context.Background(), "PUBG_60"); err != nil {
		t.Fatalf("uploaded variant: %v", err)
	}
	if bal, _ := e.svc.Balance(context.Background(), e.cr.Reseller.ID); bal != 12500+700 {
		t.Fatalf("balance after form deposits %d", bal)
	}
	if v, _ := e.svc.Variant(context.Background(), "MLBB_LTD"); v.Prices["default"] != 1100 || v.Stock != 7 {
		t.Fatalf("variant after form edit %+v", v)
	}
	// Logging out ends the session on the server, not just in the browser.
	if st, _ := b.do(t, "POST", "/admin/logout", "", url.Values{"csrf": {b.csrf}}); st != 303 {
		t.Fatalf("logout: %d", st)
	}
	if st, _ := b.do(t, "GET", "/admin/api/me", "", nil); st != 401 {
		t.Fatalf("after logout: %d", st)
	}
}

func TestSessionExpires(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{})
	ctx := context.Background()
	as := admin.NewService(e.svc, admin.Options{BcryptCost: bcrypt.MinCost, SessionTTL: time.Millisecond})
	sid, _, err := as.Login(ctx, "boss", e.password, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := as.Session(ctx, sid); err == nil {
		t.Fatal("expired session still valid")
	}
}

type failingSupplier struct{}

func (failingSupplier) Name() string { return "broken" }
func (failingSupplier) Purchase(context.Context, supplier.Request) (supplier.Result, error) {
	return supplier.Result{}, supplier.ErrUnknownOutcome
}
func (failingSupplier) Status(context.Context, supplier.Request) (supplier.Result, error) {
	return supplier.Result{}, supplier.ErrUnknownOutcome
}

func supplierRequest() supplier.Request {
	return supplier.Request{Reference: "INV-1-1", SKU: "X", Destination: "0812", SentAt: time.Now()}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestDepositTickets(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{})
	ctx := context.Background()
	r, _ := e.svc.Reseller(ctx, "testshop")
	t1, err := e.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 100000, Bank: "BCA"})
	if err != nil {
		t.Fatal(err)
	}
	t2, err := e.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 50000, Bank: "BRI"})
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Tickets []web.DepositTicket `json:"tickets"`
	}
	e.api("GET", "/admin/api/deposit-tickets?status=open", nil, 200, &list)
	if len(list.Tickets) != 2 || list.Tickets[0].Code != t2.Code || list.Tickets[0].Reseller != "testshop" || list.Tickets[1].Amount != t1.Amount {
		t.Fatalf("tickets %+v", list)
	}
	e.api("POST", "/admin/api/deposit-tickets/"+t1.Code+"/approve", nil, 200, nil)
	// Approving again moves nothing; rejecting an approved ticket is a conflict.
	e.api("POST", "/admin/api/deposit-tickets/"+t1.Code+"/approve", nil, 200, nil)
	e.api("POST", "/admin/api/deposit-tickets/"+t1.Code+"/reject", nil, 409, nil)
	e.api("POST", "/admin/api/deposit-tickets/"+t2.Code+"/reject", map[string]any{"reason": "no transfer"}, 200, nil)
	e.api("POST", "/admin/api/deposit-tickets/"+t2.Code+"/approve", nil, 409, nil)
	e.api("POST", "/admin/api/deposit-tickets/DEP-NOPE0000/approve", nil, 404, nil)
	e.api("POST", "/admin/api/deposit-tickets/"+t1.Code+"/frobnicate", nil, 404, nil)
	if bal, _ := e.svc.Balance(ctx, e.cr.Reseller.ID); bal != t1.Amount {
		t.Fatalf("balance after approval %d, want %d", bal, t1.Amount)
	}
	if a := e.audit(t, "ticket:"+t1.Code); len(a) != 2 || a[1].Action != "deposit.ticket-approve" || a[1].Actor != "boss/tests" {
		t.Fatalf("approve audit %+v", a)
	}
	if a := e.audit(t, "ticket:"+t2.Code); len(a) != 1 || !strings.Contains(string(a[0].After), "no transfer") {
		t.Fatalf("reject audit %+v", a)
	}
	b := e.login(t)
	if st, body := b.do(t, "GET", "/admin/deposits", "", nil); st != 200 || !strings.Contains(string(body), t2.Code) || !strings.Contains(string(body), "rejected") {
		t.Fatalf("deposits page: %d", st)
	}
	e.checkLedger(t)
}
