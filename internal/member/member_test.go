package member_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	bs "github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/basstore"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/dialect/digiswitch"
	"github.com/kios-h2h/kios/internal/member"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/session"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/totp"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// clock is a settable clock shared by the core and the member area (TOTP codes depend on it).
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is the public listener as kios serve builds it: the three dialects and the member area.
type env struct {
	t     *testing.T
	db    *store.DB
	svc   *core.Service
	srv   *httptest.Server
	clock *clock
	shop  core.Credentials
	other core.Credentials
	pw    string // shop's portal password
}

func setup(t *testing.T, b storetest.Backend, opts member.Options) *env {
	t.Helper()
	ctx := context.Background()
	db := b.Open(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clk := &clock{t: time.Now()}
	svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: log, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	err = svc.SaveCatalog(ctx, []catalog.Product{{Code: "mobile-legends", Name: "Mobile Legends", Active: true}},
		[]catalog.Variant{{ProductCode: "mobile-legends", Code: "ML5", Name: "5 Diamonds", Active: true, UnlimitedStock: true, Multi: true,
			Prices: map[string]int64{"default": 1500, "gold": 1400}}})
	if err != nil {
		t.Fatal(err)
	}
	shop, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Shop", Username: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Other", Username: "other"})
	if err != nil {
		t.Fatal(err)
	}
	pw, err := member.SetPassword(ctx, svc, "shop", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	opts.Session.BcryptCost = bcrypt.MinCost
	opts.Logger = log
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", basstore.New(svc, basstore.Options{Logger: log}))
	mux.Handle("/v1/user/api/", digiswitch.New(svc, digiswitch.Options{Logger: log}))
	mux.Handle("/v1/", digiflazz.New(svc, digiflazz.Options{Logger: log}))
	mux.Handle("/member/", member.New(svc, opts))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{t: t, db: db, svc: svc, srv: srv, clock: clk, shop: shop, other: other, pw: pw}
}

// browser is a signed-in client with its CSRF token.
type browser struct {
	e    *env
	c    *http.Client
	csrf string
}

func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (e *env) login(t *testing.T, username, password, code string) (*browser, *http.Response) {
	t.Helper()
	c := newClient()
	resp, err := c.PostForm(e.srv.URL+"/member/login", url.Values{"username": {username}, "password": {password}, "code": {code}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	b := &browser{e: e, c: c}
	if resp.StatusCode == http.StatusSeeOther {
		var me struct {
			CSRFToken string `json:"csrf_token"`
		}
		b.json(t, "GET", "/member/api/me", nil, 200, &me)
		b.csrf = me.CSRFToken
	}
	return b, resp
}

func (e *env) mustLogin(t *testing.T) *browser {
	t.Helper()
	b, resp := e.login(t, "shop", e.pw, "")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/member/" {
		t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return b
}

// call sends a request with the browser's cookie; csrf adds the X-CSRF-Token header.
func (b *browser) call(t *testing.T, method, path string, body any, csrf bool) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		buf, _ := json.Marshal(body)
		rd = bytes.NewReader(buf)
	}
	req, _ := http.NewRequest(method, b.e.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if csrf {
		req.Header.Set("X-CSRF-Token", b.csrf)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func (b *browser) json(t *testing.T, method, path string, body any, want int, out any) []byte {
	t.Helper()
	st, raw := b.call(t, method, path, body, method != "GET")
	if st != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, st, raw, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return raw
}

// form posts a page form with the csrf field and returns the status and Location (or body).
func (b *browser) form(t *testing.T, path string, v url.Values) (int, string) {
	t.Helper()
	v.Set("csrf", b.csrf)
	resp, err := b.c.PostForm(b.e.srv.URL+path, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusSeeOther {
		return resp.StatusCode, resp.Header.Get("Location")
	}
	return resp.StatusCode, string(raw)
}

func (b *browser) page(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := b.c.Get(b.e.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

func (e *env) credit(t *testing.T, username string, amount int64) {
	t.Helper()
	if _, err := e.svc.Credit(context.Background(), username, amount, "test"); err != nil {
		t.Fatal(err)
	}
}

func (e *env) place(t *testing.T, username, ref, dest string) *order.Order {
	t.Helper()
	ctx := context.Background()
	r, err := e.svc.Reseller(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: r, VariantCode: "ML5", Reference: ref, Destination: dest})
	if err != nil {
		t.Fatal(err)
	}
	return p.Order
}

// post sends a dialect request from loopback (the default allowlist) and returns the body.
func (e *env) post(t *testing.T, path, bearer string, body any) (int, string) {
	t.Helper()
	buf, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", e.srv.URL+path, bytes.NewReader(buf))
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// balanceWorks reports whether each dialect's balance call succeeds with these credentials.
func (e *env) balanceWorks(t *testing.T, token, apiKey string) (basstoreOK, digiswitchOK, digiflazzOK bool) {
	t.Helper()
	st, body := e.post(t, "/api/v1/balance", token, map[string]any{})
	basstoreOK = st == 200 && strings.Contains(body, `"balance"`)
	sign := flazz.Sign("shop", apiKey, "depo")
	st, body = e.post(t, "/v1/user/api/cek-saldo", "", map[string]any{"cmd": "deposit", "username": "shop", "sign": sign})
	digiswitchOK = st == 200 && strings.Contains(body, `"deposit"`)
	st, body = e.post(t, "/v1/cek-saldo", "", map[string]any{"cmd": "deposit", "username": "shop", "sign": sign})
	digiflazzOK = st == 200 && strings.Contains(body, `"deposit"`)
	return
}

var endpoints = []struct{ method, path string }{
	{"GET", "/member/api/me"}, {"POST", "/member/api/api-key"}, {"POST", "/member/api/token"}, {"POST", "/member/api/allow-ip"},
	{"POST", "/member/api/deny-ip"}, {"POST", "/member/api/callback"}, {"POST", "/member/api/callback/test"},
	{"GET", "/member/api/callbacks"}, {"GET", "/member/api/orders"}, {"GET", "/member/api/orders/KIOS-X"},
	{"GET", "/member/api/mutations"}, {"POST", "/member/api/deposit"}, {"GET", "/member/api/deposits"},
	{"GET", "/member/api/price-list"}, {"POST", "/member/api/sign-check"}, {"POST", "/member/api/password"},
	{"GET", "/member/api/text/identities"}, {"POST", "/member/api/text/unbind"}, {"POST", "/member/api/text/pin"},
}

func TestAuthorizationAndCSRF(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, bk storetest.Backend) {
		e := setup(t, bk, member.Options{})
		anon := &browser{e: e, c: newClient()}
		for _, ep := range endpoints {
			if st, body := anon.call(t, ep.method, ep.path, map[string]any{}, false); st != 401 {
				t.Errorf("%s %s without a session: %d %s", ep.method, ep.path, st, body)
			}
		}
		if st, _ := anon.page(t, "/member/transaksi"); st != 303 {
			t.Errorf("page without a session: %d", st)
		}
		// Wrong password, unknown user, a reseller without a portal password: the same refusal.
		for _, c := range [][2]string{{"shop", "wrong"}, {"ghost", "whatever"}, {"other", ""}} {
			if _, resp := e.login(t, c[0], c[1], ""); resp.StatusCode != 401 {
				t.Errorf("login %s: %d", c[0], resp.StatusCode)
			}
		}
		b, resp := e.login(t, "shop", e.pw, "")
		var ck *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == member.CookieName {
				ck = c
			}
		}
		if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
			t.Fatalf("session cookie %+v", ck)
		}
		// With a session but no CSRF token, nothing that changes state runs.
		for _, ep := range endpoints {
			if ep.method == "GET" {
				continue
			}
			if st, body := b.call(t, ep.method, ep.path, map[string]any{"password": e.pw}, false); st != 403 {
				t.Errorf("%s %s without CSRF: %d %s", ep.method, ep.path, st, body)
			}
		}
		if st, _ := b.form(t, "/member/deposit", url.Values{"amount": {"50000"}, "bank": {"BCA"}, "csrf": {"forged"}}); st != 303 {
			// form() overwrites csrf with the right one; a forged one is checked below
			t.Logf("deposit form: %d", st)
		}
		req, _ := http.NewRequest("POST", e.srv.URL+"/member/deposit", strings.NewReader("amount=50000&bank=BCA&csrf=forged"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, err := b.c.Do(req); err != nil || resp.StatusCode != 403 {
			t.Fatalf("forged form: %v %v", err, resp.StatusCode)
		}
		// A cross-site login form is refused.
		req, _ = http.NewRequest("POST", e.srv.URL+"/member/login", strings.NewReader(url.Values{"username": {"shop"}, "password": {e.pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 403 {
			t.Fatalf("cross-site login: %v %v", err, resp.StatusCode)
		}
		var me map[string]any
		b.json(t, "GET", "/member/api/me", nil, 200, &me)
		for _, k := range []string{"username", "name", "membership", "balance", "held", "allow_ips", "callback_url", "csrf_token"} {
			if _, ok := me[k]; !ok {
				t.Errorf("me lacks %q: %v", k, me)
			}
		}
		// Logging out ends the session on the server, not only in the browser.
		old := b.csrf
		if st, _ := b.form(t, "/member/logout", url.Values{}); st != 303 {
			t.Fatalf("logout: %d", st)
		}
		b.csrf = old
		if st, _ := b.call(t, "GET", "/member/api/me", nil, false); st != 401 {
			t.Fatalf("after logout: %d", st)
		}
	})
}

func TestRotationStopsOldCredentialsInEveryDialect(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, bk storetest.Backend) {
		e := setup(t, bk, member.Options{})
		b := e.mustLogin(t)
		if a, d, f := e.balanceWorks(t, e.shop.Token, e.shop.APIKey); !a || !d || !f {
			t.Fatalf("before rotation: basstore %v digiswitch %v digiflazz %v", a, d, f)
		}
		// The password is asked again; a wrong one changes nothing.
		b.json(t, "POST", "/member/api/api-key", map[string]string{"password": "wrong"}, 403, nil)
		b.json(t, "POST", "/member/api/token", map[string]string{}, 403, nil)
		if a, d, f := e.balanceWorks(t, e.shop.Token, e.shop.APIKey); !a || !d || !f {
			t.Fatal("a refused rotation changed the credentials")
		}
		var key struct {
			APIKey string `json:"api_key"`
		}
		b.json(t, "POST", "/member/api/api-key", map[string]string{"password": e.pw}, 200, &key)
		if len(key.APIKey) != 32 || key.APIKey == e.shop.APIKey {
			t.Fatalf("new key %q", key.APIKey)
		}
		if _, d, f := e.balanceWorks(t, e.shop.Token, e.shop.APIKey); d || f {
			t.Fatalf("old api key still signs: digiswitch %v digiflazz %v", d, f)
		}
		if _, d, f := e.balanceWorks(t, e.shop.Token, key.APIKey); !d || !f {
			t.Fatalf("new api key refused: digiswitch %v digiflazz %v", d, f)
		}
		var tok struct {
			Token string `json:"token"`
		}
		b.json(t, "POST", "/member/api/token", map[string]string{"password": e.pw}, 200, &tok)
		if a, _, _ := e.balanceWorks(t, e.shop.Token, key.APIKey); a {
			t.Fatal("old token still works in the basstore dialect")
		}
		if a, _, _ := e.balanceWorks(t, tok.Token, key.APIKey); !a {
			t.Fatal("new token refused")
		}
		// The signed callback of the basstore dialect uses the new key too.
		r, _ := e.svc.Reseller(context.Background(), "shop")
		if r.APIKey != key.APIKey {
			t.Fatal("cached reseller keeps the old key")
		}
	})
}

func TestAllowlistRules(t *testing.T) {
	t.Parallel()
	e := setup(t, storetest.Backends()[0], member.Options{})
	b := e.mustLogin(t)
	for _, bad := range []string{"10.1.2.3", "192.168.0.0/24", "127.0.0.1", "0.0.0.0", "::1", "fe80::1", "0.0.0.0/0", "100.64.1.1",
		"8.0.0.0/8", "2001:db8::/16", "not-an-ip"} {
		b.json(t, "POST", "/member/api/allow-ip", map[string]string{"cidr": bad, "password": e.pw}, 400, nil)
	}
	b.json(t, "POST", "/member/api/allow-ip", map[string]string{"cidr": "203.0.113.1", "password": "wrong"}, 403, nil)
	var list struct {
		AllowIPs []string `json:"allow_ips"`
	}
	for i := 1; i <= member.MaxAllowIPs; i++ {
		b.json(t, "POST", "/member/api/allow-ip", map[string]string{"cidr": fmt.Sprintf("203.0.113.%d", i), "password": e.pw}, 200, &list)
	}
	if len(list.AllowIPs) != 10 {
		t.Fatalf("allowlist %v", list.AllowIPs)
	}
	raw := b.json(t, "POST", "/member/api/allow-ip", map[string]string{"cidr": "198.51.100.0/24", "password": e.pw}, 400, nil)
	if !strings.Contains(string(raw), `"code":"allow_full"`) || !strings.Contains(string(raw), "maksimal 10") {
		t.Fatalf("11th entry: %s", raw)
	}
	b.json(t, "POST", "/member/api/deny-ip", map[string]string{"cidr": "203.0.113.1", "password": "wrong"}, 403, nil)
	b.json(t, "POST", "/member/api/deny-ip", map[string]string{"cidr": "203.0.113.1", "password": e.pw}, 200, &list)
	b.json(t, "POST", "/member/api/allow-ip", map[string]string{"cidr": "2001:db8:1::/48", "password": e.pw}, 200, &list)
	if len(list.AllowIPs) != 10 || !strings.Contains(strings.Join(list.AllowIPs, " "), "2001:db8:1::/48") {
		t.Fatalf("allowlist %v", list.AllowIPs)
	}
	// The dialects see the change at once: loopback is no longer allowed.
	if a, _, _ := e.balanceWorks(t, e.shop.Token, e.shop.APIKey); a {
		t.Fatal("loopback still allowed after the allowlist was set")
	}
}

func TestPasswordGuessesAreThrottled(t *testing.T) {
	t.Parallel()
	e := setup(t, storetest.Backends()[0], member.Options{Session: session.Options{LoginBurst: 3, LoginEvery: time.Hour}})
	b := e.mustLogin(t)
	for i := 0; i < 3; i++ {
		b.json(t, "POST", "/member/api/api-key", map[string]string{"password": "guess"}, 403, nil)
	}
	// The re-entry box shares the login limits: a stolen session cannot guess on.
	b.json(t, "POST", "/member/api/api-key", map[string]string{"password": e.pw}, 429, nil)
}

func TestCrossResellerIsNotFound(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, bk storetest.Backend) {
		e := setup(t, bk, member.Options{})
		e.credit(t, "other", 10000)
		theirs := e.place(t, "other", "their-1", "081211112222")
		b := e.mustLogin(t)
		b.json(t, "GET", "/member/api/orders/"+theirs.Invoice, nil, 404, nil)
		if st, _ := b.page(t, "/member/transaksi/"+theirs.Invoice); st != 404 {
			t.Errorf("order page of another reseller: %d", st)
		}
		for _, q := range []string{theirs.Invoice, "081211112222", "their-1"} {
			var res struct {
				Orders []map[string]any `json:"orders"`
			}
			b.json(t, "GET", "/member/api/orders?q="+url.QueryEscape(q), nil, 200, &res)
			if len(res.Orders) != 0 {
				t.Errorf("search %q found another reseller's order", q)
			}
		}
		if st, body := b.page(t, "/member/transaksi?q="+theirs.Invoice); st != 200 || strings.Contains(body, theirs.Invoice+"<") {
			t.Errorf("order list page shows another reseller's order: %d", st)
		}
	})
}

func TestOrdersStatementDepositsPrices(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, bk storetest.Backend) {
		ctx := context.Background()
		e := setup(t, bk, member.Options{Banks: member.Banks{{Bank: "BCA", AccountNo: "1234567890", Holder: "PT Kios"}}})
		e.credit(t, "shop", 10000)
		o1 := e.place(t, "shop", "ref-1", "081234567890")
		o2 := e.place(t, "shop", "ref-2", "081299990000")
		if _, err := e.svc.ResolveOrder(ctx, core.Resolution{Invoice: o1.Invoice, Status: order.Success, SN: "SN-ONE", Actor: "t"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ResolveOrder(ctx, core.Resolution{Invoice: o2.Invoice, Status: order.Failed, Actor: "t"}); err != nil {
			t.Fatal(err)
		}
		b := e.mustLogin(t)
		var res struct {
			Orders []struct {
				Invoice string `json:"invoice"`
				Status  string `json:"status"`
			} `json:"orders"`
			NextBefore int64 `json:"next_before"`
		}
		for q, want := range map[string]string{"081234567890": o1.Invoice, "ref-2": o2.Invoice, "SN-ONE": o1.Invoice, o2.Invoice: o2.Invoice} {
			b.json(t, "GET", "/member/api/orders?q="+q, nil, 200, &res)
			if len(res.Orders) != 1 || res.Orders[0].Invoice != want {
				t.Errorf("search %s: %+v", q, res.Orders)
			}
		}
		b.json(t, "GET", "/member/api/orders?status=Failed", nil, 200, &res)
		if len(res.Orders) != 1 || res.Orders[0].Invoice != o2.Invoice {
			t.Errorf("status filter: %+v", res.Orders)
		}
		b.json(t, "GET", "/member/api/orders?limit=1", nil, 200, &res)
		if len(res.Orders) != 1 || res.NextBefore == 0 {
			t.Fatalf("paging: %+v", res)
		}
		b.json(t, "GET", fmt.Sprintf("/member/api/orders?limit=1&before=%d", res.NextBefore), nil, 200, &res)
		if len(res.Orders) != 1 || res.Orders[0].Invoice != o1.Invoice {
			t.Errorf("second page: %+v", res.Orders)
		}
		b.json(t, "GET", "/member/api/orders?from=bad", nil, 400, nil)
		var detail struct {
			Timeline []struct {
				What string `json:"what"`
			} `json:"timeline"`
		}
		b.json(t, "GET", "/member/api/orders/"+o1.Invoice, nil, 200, &detail)
		var steps []string
		for _, s := range detail.Timeline {
			steps = append(steps, s.What)
		}
		if strings.Join(steps, ",") != "accepted,hold,capture,success" {
			t.Errorf("timeline %v", steps)
		}
		// The statement: credit, two holds, one release; the running balance ends at the balance.
		var ms struct {
			Mutations []struct {
				Kind      string `json:"kind"`
				Ref       string `json:"ref"`
				Available int64  `json:"available"`
				Balance   int64  `json:"balance"`
			} `json:"mutations"`
		}
		b.json(t, "GET", "/member/api/mutations", nil, 200, &ms)
		var kinds []string
		for _, m := range ms.Mutations {
			kinds = append(kinds, m.Kind)
		}
		if strings.Join(kinds, ",") != "release,capture,hold,hold,deposit" {
			t.Fatalf("statement kinds %v", kinds)
		}
		if ms.Mutations[0].Balance != 8500 || ms.Mutations[len(ms.Mutations)-1].Balance != 10000 || ms.Mutations[1].Balance != 7000 {
			t.Errorf("running balances %+v", ms.Mutations)
		}
		if st, csv := b.page(t, "/member/mutasi?format=csv"); st != 200 || !strings.Contains(csv, o1.Invoice) || !strings.HasPrefix(csv, "time_wib,") {
			t.Errorf("statement CSV: %d %.200s", st, csv)
		}
		// A deposit ticket with its unique amount and the distributor's account.
		var tk struct {
			Code      string `json:"code"`
			Amount    int64  `json:"amount"`
			Bank      string `json:"bank"`
			AccountNo string `json:"account_no"`
			Notes     string `json:"notes"`
		}
		b.json(t, "POST", "/member/api/deposit", map[string]any{"amount": 50000, "bank": "bca"}, 200, &tk)
		if tk.Amount <= 50000 || tk.Amount > 50999 || tk.Bank != "BCA" || tk.AccountNo != "1234567890" || tk.Notes != tk.Code {
			t.Errorf("ticket %+v", tk)
		}
		b.json(t, "POST", "/member/api/deposit", map[string]any{"amount": 50000, "bank": "BRI"}, 400, nil)
		b.json(t, "POST", "/member/api/deposit", map[string]any{"amount": 5, "bank": "BCA"}, 400, nil)
		var deps struct {
			Deposits []struct {
				Code string `json:"code"`
			} `json:"deposits"`
		}
		b.json(t, "GET", "/member/api/deposits", nil, 200, &deps)
		if len(deps.Deposits) != 1 || deps.Deposits[0].Code != tk.Code {
			t.Errorf("deposits %+v", deps)
		}
		if bal, _ := e.svc.Balance(ctx, e.shop.Reseller.ID); bal != 8500 {
			t.Errorf("a ticket moved money: balance %d", bal)
		}
		var pl struct {
			Prices []struct {
				Code  string `json:"code"`
				Price int64  `json:"price"`
			} `json:"prices"`
		}
		b.json(t, "GET", "/member/api/price-list", nil, 200, &pl)
		if len(pl.Prices) != 1 || pl.Prices[0].Price != 1500 {
			t.Errorf("price list %+v", pl)
		}
		if err := e.svc.SetMembership(ctx, "shop", "gold"); err != nil {
			t.Fatal(err)
		}
		b.json(t, "GET", "/member/api/price-list", nil, 200, &pl)
		if pl.Prices[0].Price != 1400 {
			t.Errorf("gold price list %+v", pl)
		}
		var sc struct {
			Match bool `json:"match"`
		}
		b.json(t, "POST", "/member/api/sign-check", map[string]string{"suffix": "depo", "sign": flazz.Sign("shop", e.shop.APIKey, "depo")}, 200, &sc)
		if !sc.Match {
			t.Error("the right sign does not match")
		}
		b.json(t, "POST", "/member/api/sign-check", map[string]string{"suffix": "depo", "sign": flazz.Sign("shop", "nope", "depo")}, 200, &sc)
		if sc.Match {
			t.Error("a wrong sign matches")
		}
		rep, err := e.svc.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger check: %v %+v", err, rep)
		}
	})
}

func TestCallbackURLAndTest(t *testing.T) {
	t.Parallel()
	e := setup(t, storetest.Backends()[0], member.Options{})
	b := e.mustLogin(t)
	for _, bad := range []string{"ftp://x.example/cb", "http://127.0.0.1/cb", "http://10.0.0.8/cb", "http://localhost:8080/cb",
		"https://user:pw@example.com/cb", "http://[::1]/cb", "not a url"} {
		b.json(t, "POST", "/member/api/callback", map[string]string{"url": bad}, 400, nil)
	}
	b.json(t, "POST", "/member/api/callback/test", nil, 400, nil) // no URL yet
	b.json(t, "POST", "/member/api/callback", map[string]string{"url": "https://shop.example/kios"}, 200, nil)

	// With private callbacks allowed (a test setup), the test callback reaches a local receiver.
	e2 := setup(t, storetest.Backends()[0], member.Options{AllowPrivateCallbacks: true})
	got := make(chan http.Header, 1)
	var gotBody []byte
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotBody, _ = io.ReadAll(r.Body)
		got <- r.Header.Clone()
		_, _ = io.WriteString(w, "OK from receiver")
	}))
	defer recv.Close()
	b2 := e2.mustLogin(t)
	b2.json(t, "POST", "/member/api/callback", map[string]string{"url": recv.URL + "/cb"}, 200, nil)
	var d struct {
		Status int    `json:"status"`
		Result string `json:"result"`
		Test   bool   `json:"test"`
	}
	b2.json(t, "POST", "/member/api/callback/test", nil, 200, &d)
	hdr := <-got
	if d.Status != 200 || d.Result != "OK from receiver" || !d.Test {
		t.Fatalf("test delivery %+v", d)
	}
	if hdr.Get(bs.HeaderSignature) != bs.CallbackSignature(gotBody, e2.shop.APIKey) {
		t.Fatalf("test callback not signed with the api key: %q", hdr.Get(bs.HeaderSignature))
	}
	var list struct {
		Deliveries []struct {
			Status int `json:"status"`
		} `json:"deliveries"`
	}
	b2.json(t, "GET", "/member/api/callbacks", nil, 200, &list)
	if len(list.Deliveries) != 1 || list.Deliveries[0].Status != 200 {
		t.Fatalf("deliveries %+v", list)
	}
}

// TestTwoFactorLogin turns TOTP on through the Profil page, with the clock fixed, then signs in
// with a code, refuses its replay, and spends a recovery code once.
func TestTwoFactorLogin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, bk storetest.Backend) {
		ctx := context.Background()
		e := setup(t, bk, member.Options{})
		// 5 s into a TOTP step, so Advance(Step) lands in the next one; near the real time, as the
		// store checks sessions' expiry on its own clock.
		e.clock.mu.Lock()
		e.clock.t = time.Now().Truncate(totp.Step).Add(5 * time.Second)
		e.clock.mu.Unlock()
		b := e.mustLogin(t)
		if st, _ := b.form(t, "/member/profil/2fa", url.Values{"password": {"wrong"}}); st != 303 {
			t.Fatalf("2fa with a wrong password: %d", st)
		}
		if on, _ := session.TwoFactorOn(ctx, e.db, member.Subject(e.shop.Reseller.ID)); on {
			t.Fatal("2fa on without the password")
		}
		if st, _ := b.form(t, "/member/profil/2fa", url.Values{"password": {e.pw}}); st != 303 {
			t.Fatalf("2fa begin: %d", st)
		}
		_, page := b.page(t, "/member/profil")
		secret, err := session.PendingSecret(ctx, e.db, member.Subject(e.shop.Reseller.ID))
		if err != nil || secret == "" || !strings.Contains(page, secret) {
			t.Fatalf("pending secret %q not on the page (%v)", secret, err)
		}
		// The QR code is the secret's otpauth URI.
		qr, err := session.TwoFactorQR(session.TwoFactorURI("Kios", "shop", secret))
		if err != nil || !strings.Contains(html.UnescapeString(page), `<img id="totp-qr" src="`+string(qr)+`"`) {
			t.Fatalf("no QR code of the secret on the page (%v)", err)
		}
		code := func() string {
			c, err := totp.Code(secret, totp.StepAt(e.clock.Now()))
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if st, body := b.form(t, "/member/profil/2fa-confirm", url.Values{"code": {"000000"}}); st != 303 {
			t.Fatalf("wrong confirm code: %d %s", st, body)
		}
		st, body := b.form(t, "/member/profil/2fa-confirm", url.Values{"code": {code()}})
		if st != 200 || !strings.Contains(body, "-") {
			t.Fatalf("confirm: %d %.300s", st, body)
		}
		recovery := strings.Fields(body[strings.Index(body, `<td class="mono secret">`)+len(`<td class="mono secret">`):])[0]
		recovery = strings.TrimSuffix(recovery, "</td></tr>")
		recovery = recovery[:strings.Index(recovery, "<")]
		if _, resp := e.login(t, "shop", e.pw, ""); resp.StatusCode != 401 {
			t.Fatalf("login without a code: %d", resp.StatusCode)
		}
		// The code that confirmed is used: the same step is refused; the next one works once.
		if _, resp := e.login(t, "shop", e.pw, code()); resp.StatusCode != 401 {
			t.Fatalf("replayed code: %d", resp.StatusCode)
		}
		e.clock.Advance(totp.Step)
		c := code()
		if _, resp := e.login(t, "shop", e.pw, c); resp.StatusCode != 303 {
			t.Fatalf("login with a code: %d", resp.StatusCode)
		}
		if _, resp := e.login(t, "shop", e.pw, c); resp.StatusCode != 401 {
			t.Fatalf("same code twice: %d", resp.StatusCode)
		}
		if _, resp := e.login(t, "shop", e.pw, recovery); resp.StatusCode != 303 {
			t.Fatalf("recovery code %q: %d", recovery, resp.StatusCode)
		}
		if _, resp := e.login(t, "shop", e.pw, recovery); resp.StatusCode != 401 {
			t.Fatalf("recovery code twice: %d", resp.StatusCode)
		}
		if n, _ := session.RecoveryCodesLeft(ctx, e.db, member.Subject(e.shop.Reseller.ID)); n != session.RecoveryCodes-1 {
			t.Fatalf("recovery codes left %d", n)
		}
	})
}

func TestPagesRenderInBothLanguages(t *testing.T) {
	t.Parallel()
	e := setup(t, storetest.Backends()[0], member.Options{})
	e.credit(t, "shop", 1234567)
	o := e.place(t, "shop", "page-1", "0812<script>")
	b := e.mustLogin(t)
	pages := []string{"/member/", "/member/transaksi", "/member/transaksi/" + o.Invoice, "/member/mutasi", "/member/deposit",
		"/member/harga", "/member/koneksi", "/member/profil", "/member/downline", "/member/downline/laporan"}
	for _, p := range pages {
		st, body := b.page(t, p)
		if st != 200 {
			t.Errorf("GET %s: %d", p, st)
		}
		if strings.Contains(body, "<script>") && !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("%s: an unescaped destination", p)
		}
		if strings.Contains(body, "nav.") || strings.Contains(body, "api.") && strings.Contains(body, ">api.") {
			t.Errorf("%s: an untranslated key", p)
		}
	}
	if _, body := b.page(t, "/member/"); !strings.Contains(body, "Rp 1.233.067") || !strings.Contains(body, "Beranda") {
		t.Errorf("home in Indonesian: %.500s", body)
	}
	if st, _ := b.page(t, "/member/lang?to=en"); st != 303 {
		t.Fatalf("switch: %d", st)
	}
	if _, body := b.page(t, "/member/koneksi"); !strings.Contains(body, "API connection") {
		t.Errorf("English page: %.300s", body)
	}
	if st, _ := b.page(t, "/member/nowhere"); st != 404 {
		t.Errorf("unknown page: %d", st)
	}
	if st, _ := b.page(t, "/member/static/htmx.min.js"); st != 200 {
		t.Errorf("htmx: %d", st)
	}
}

// TestErrorsInTheChosenLanguage: refusals read in Indonesian unless English was chosen, on the
// pages (login, flash messages) and in the JSON API, which also gives a stable code.
func TestErrorsInTheChosenLanguage(t *testing.T) {
	t.Parallel()
	e := setup(t, storetest.Backends()[0], member.Options{})
	c := newClient()
	resp, err := c.PostForm(e.srv.URL+"/member/login", url.Values{"username": {"shop"}, "password": {"wrong"}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(raw), "Username atau password salah.") {
		t.Fatalf("wrong password: %d %s", resp.StatusCode, raw)
	}
	b := e.mustLogin(t)
	raw = b.json(t, "POST", "/member/api/allow-ip", map[string]string{"cidr": "10.0.0.1", "password": e.pw}, 400, nil)
	if !strings.Contains(string(raw), "Alamat privat") || !strings.Contains(string(raw), `"code":"allow_range"`) {
		t.Errorf("Indonesian API error: %s", raw)
	}
	if st, to := b.form(t, "/member/deposit", url.Values{"amount": {"5"}, "bank": {"BCA"}}); st != 303 || to != "/member/deposit" {
		t.Fatalf("bad deposit: %d %s", st, to)
	}
	if _, body := b.page(t, "/member/deposit"); !strings.Contains(body, "Jumlah harus bilangan bulat rupiah antara Rp 10.000") {
		t.Errorf("Indonesian flash: %.600s", body)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/member/lang?to=en&next=/member/deposit", nil)
	if resp, err := b.c.Do(req); err != nil || resp.StatusCode != 303 || resp.Header.Get("Location") != "/member/deposit" {
		t.Fatalf("the switch does not come back to the page: %v %v", err, resp.Header)
	}
	raw = b.json(t, "POST", "/member/api/allow-ip", map[string]string{"cidr": "10.0.0.1", "password": e.pw}, 400, nil)
	if !strings.Contains(string(raw), "Private, loopback") || !strings.Contains(string(raw), `"code":"allow_range"`) {
		t.Errorf("English API error: %s", raw)
	}
	b.form(t, "/member/deposit", url.Values{"amount": {"5"}, "bank": {"BCA"}})
	if _, body := b.page(t, "/member/deposit"); !strings.Contains(body, "The amount must be a whole number") {
		t.Errorf("English flash: %.600s", body)
	}
}

// After an archival the statement says that what came before the cut was archived (JSON key
// archived_before, a line on the page); before any archival neither appears.
func TestStatementSaysArchived(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, bk storetest.Backend) {
		ctx := context.Background()
		e := setup(t, bk, member.Options{})
		e.credit(t, "shop", 10000)
		for i := range 3 {
			o := e.place(t, "shop", fmt.Sprint("arc-", i), "081234567890")
			if _, err := e.svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: order.Failed, Actor: "t"}); err != nil {
				t.Fatal(err)
			}
		}
		b := e.mustLogin(t)
		var ms map[string]any
		b.json(t, "GET", "/member/api/mutations", nil, 200, &ms)
		if _, ok := ms["archived_before"]; ok {
			t.Fatalf("archived_before without an archival: %v", ms)
		}
		if _, body := b.page(t, "/member/mutasi"); strings.Contains(body, "diarsipkan") {
			t.Fatal("the statement page speaks of an archive before any archival")
		}
		res, err := e.db.Archive(ctx, store.ArchiveOptions{Cut: time.Now().Add(time.Hour), Drop: true, Target: store.DropArchive})
		if err != nil || res.Orders == 0 {
			t.Fatalf("archive: %+v %v", res, err)
		}
		ms = nil
		b.json(t, "GET", "/member/api/mutations", nil, 200, &ms)
		if _, ok := ms["archived_before"]; !ok {
			t.Fatalf("no archived_before after an archival: %v", ms)
		}
		if _, body := b.page(t, "/member/mutasi?from=2020-01-01"); !strings.Contains(body, "diarsipkan") {
			t.Fatal("the statement page does not say that mutations were archived")
		}
	})
}
