package storefront_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/member"
	"github.com/kios-h2h/kios/internal/notify"
	"github.com/kios-h2h/kios/internal/payment"
	payinbound "github.com/kios-h2h/kios/internal/payment/inbound"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/storefront"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

type env struct {
	URL string
	db  *store.DB
	svc *core.Service
}

// setup serves the storefront, the payment callback and the sandbox's pay page as the public
// listener does, over a fresh database with a small catalog, the sandbox gateway and workers.
func setup(t *testing.T, be storetest.Backend, opts storefront.Options) *env {
	t.Helper()
	ctx := context.Background()
	srv := httptest.NewUnstartedServer(nil)
	e := &env{URL: "http://" + srv.Listener.Addr().String(), db: be.Open(t)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := core.New(ctx, e.db, core.Config{Logger: log, Router: simroute.New(0), PublicURL: e.URL})
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	err = svc.SaveCatalog(ctx, []catalog.Product{
		{Code: "mobile-legends", Name: "Mobile Legends", Category: "Games", Brand: "MOBILE LEGENDS", Active: true},
		{Code: "telkomsel", Name: "Telkomsel", Category: "Pulsa", Brand: "TELKOMSEL", Active: true},
		{Code: "hidden", Name: "Hidden", Category: "Games", Active: false},
	}, []catalog.Variant{
		{ProductCode: "mobile-legends", Code: "ML5", Name: "5 Diamonds", Active: true, UnlimitedStock: true, Multi: true,
			Prices: map[string]int64{"default": 1389, core.RetailTier: 1900}},
		{ProductCode: "mobile-legends", Code: "ML12", Name: "12 Diamonds", Active: true, UnlimitedStock: true, Multi: true,
			Prices: map[string]int64{"default": 3300, core.RetailTier: 4000}},
		{ProductCode: "telkomsel", Code: "TSEL5", Name: "Pulsa 5.000", Active: true, UnlimitedStock: true, Multi: true,
			Prices: map[string]int64{"default": 5200}},
		{ProductCode: "hidden", Code: "HID", Name: "Hidden", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddGateway(ctx, core.NewGateway{Name: "sandbox", Kind: payment.Sandbox, Methods: []string{"QRIS", "BRIVA"}}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	if opts.Logger == nil {
		opts.Logger = log
	}
	shop := storefront.New(svc, opts)
	for _, p := range storefront.Routes {
		mux.Handle(p, shop)
	}
	mux.Handle("POST /callback/payment/{gateway}", payinbound.Handler(svc, log))
	mux.Handle(payment.SandboxPayPath+"{reference}", payinbound.SandboxHandler(svc, log))
	// The member area serves the stylesheet the store's pages share.
	memberH := member.New(svc, member.Options{Logger: log})
	mux.Handle("/member/", memberH)
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = svc.RunWorkers(runCtx, core.WorkerConfig{Poll: 20 * time.Millisecond}); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return e
}

// call makes a request and decodes a JSON answer into out (when not nil).
func (e *env) call(t *testing.T, method, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, e.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

func (e *env) ledgerClean(t *testing.T) {
	t.Helper()
	rep, err := e.db.LedgerCheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger check: %v", rep.Discrepancies)
	}
}

type checkout struct {
	Invoice string `json:"invoice"`
	Amount  int64  `json:"amount"`
	Pay     struct {
		Gateway, Reference, Method string
		PayCode                    string `json:"pay_code"`
		QR                         string `json:"qr_string"`
		CheckoutURL                string `json:"checkout_url"`
		Amount                     int64
	} `json:"pay"`
	ExpiresAt time.Time `json:"expires_at"`
	Error     string    `json:"error"`
	Code      string    `json:"code"`
	Field     string    `json:"field"`
}

type invoice struct {
	Invoice, Status, SN, Data, Nickname, Phone, Message string
	Amount                                              int64
	Pay                                                 *struct{ Reference string } `json:"pay"`
}

// pay pays an invoice at the sandbox and waits for it to leave Paid/Pending.
func (e *env) pay(t *testing.T, c checkout) invoice {
	t.Helper()
	var paid map[string]any
	if st := e.call(t, "POST", payment.SandboxPayPath+c.Pay.Reference, "", &paid); st != http.StatusOK {
		t.Fatalf("sandbox pay: %d %v", st, paid)
	}
	deadline := time.Now().Add(10 * time.Second)
	var inv invoice
	for time.Now().Before(deadline) {
		if st := e.call(t, "GET", "/shop/api/invoice/"+c.Invoice, "", &inv); st != http.StatusOK {
			t.Fatalf("invoice: %d", st)
		}
		if inv.Status != "Unpaid" && inv.Status != "Paid" && inv.Status != "Pending" {
			return inv
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("invoice %s still %s", c.Invoice, inv.Status)
	return inv
}

func TestAPIPurchase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setup(t, be, storefront.Options{})
		var list struct {
			Products []struct {
				Code     string
				From     int64
				Variants int
			}
		}
		if st := e.call(t, "GET", "/shop/api/products", "", &list); st != 200 || len(list.Products) != 2 {
			t.Fatalf("products: %d %+v", st, list)
		}
		if p := list.Products[0]; p.Code != "mobile-legends" || p.From != 1900 || p.Variants != 2 {
			t.Fatalf("games first, at retail: %+v", p)
		}
		if st := e.call(t, "GET", "/shop/api/products?q=TELKOM", "", &list); st != 200 || len(list.Products) != 1 || list.Products[0].Code != "telkomsel" {
			t.Fatalf("search: %+v", list)
		}
		var detail struct {
			Code     string
			Format   string
			Check    bool
			Fields   []struct{ Name, Pattern string }
			Variants []struct {
				Code  string
				Price int64
			}
			Methods []struct {
				Code string
				Fee  int64
			}
		}
		if st := e.call(t, "GET", "/shop/api/products/mobile-legends", "", &detail); st != 200 {
			t.Fatalf("product: %d", st)
		}
		if len(detail.Fields) != 2 || detail.Format != "{user_id}({zone_id})" || !detail.Check || len(detail.Variants) != 2 ||
			detail.Variants[0].Price != 1900 || len(detail.Methods) != 2 || detail.Methods[0].Code != "QRIS" {
			t.Fatalf("product detail %+v", detail)
		}
		if st := e.call(t, "GET", "/shop/api/products/hidden", "", nil); st != 404 {
			t.Fatalf("inactive product: %d", st)
		}
		var chk struct {
			Valid    bool
			Nickname string
			Data     string
			Code     string
		}
		if st := e.call(t, "POST", "/shop/api/check-id", `{"product":"mobile-legends","data":"12345678(1234)"}`, &chk); st != 200 || !chk.Valid || chk.Nickname == "" {
			t.Fatalf("check-id: %d %+v", st, chk)
		}
		if st := e.call(t, "POST", "/shop/api/check-id", `{"variant":"ML5","data":"12340000(1234)"}`, &chk); st != 422 || chk.Code != "id_not_found" {
			t.Fatalf("check-id of a missing ID: %d %+v", st, chk)
		}
		// A missing ID is refused at checkout, before any invoice.
		var c checkout
		if st := e.call(t, "POST", "/shop/api/checkout", `{"variant":"ML5","data":"12340000(1234)","method":"QRIS","phone":"081234567890"}`, &c); st != 422 {
			t.Fatalf("checkout of a missing ID: %d %+v", st, c)
		}
		st := e.call(t, "POST", "/shop/api/checkout", `{"variant":"ML5","data":"12345678(1234)","method":"qris","phone":"0812-3456-7890","email":"a@b.id"}`, &c)
		if st != 201 || c.Amount != 1900 || c.Pay.QR == "" || c.Pay.Reference == "" || c.Pay.Method != "QRIS" || c.ExpiresAt.IsZero() {
			t.Fatalf("checkout: %d %+v", st, c)
		}
		var inv invoice
		if st := e.call(t, "GET", "/shop/api/invoice/"+c.Invoice, "", &inv); st != 200 || inv.Status != "Unpaid" || inv.Pay == nil ||
			inv.Phone != "0812****7890" || inv.Nickname == "" {
			t.Fatalf("unpaid invoice: %d %+v", st, inv)
		}
		e.ledgerClean(t)
		inv = e.pay(t, c)
		if inv.Status != "Success" || inv.SN == "" || inv.Pay != nil {
			t.Fatalf("paid invoice: %+v", inv)
		}
		e.ledgerClean(t)
		if st := e.call(t, "GET", "/shop/api/invoice/TOKO-000000-NOPE", "", nil); st != 404 {
			t.Fatalf("unknown invoice: %d", st)
		}
	})
}

func TestAPIFailedDeliveryOwesARefund(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setup(t, be, storefront.Options{})
		var c checkout
		// Pulsa has no ID check: the simulator supplier fails a number ending in 0000.
		if st := e.call(t, "POST", "/shop/api/checkout", `{"variant":"TSEL5","data":"081200000000","method":"BRIVA","phone":"081211110000"}`, &c); st != 201 || c.Pay.PayCode == "" {
			t.Fatalf("checkout: %d %+v", st, c)
		}
		inv := e.pay(t, c)
		if inv.Status != "Failed" || inv.Amount != 5200 {
			t.Fatalf("failed delivery: %+v", inv)
		}
		e.ledgerClean(t)
		owed, err := e.svc.ShopInvoices(context.Background(), store.ShopInvoiceFilter{Status: store.ShopFailed})
		if err != nil || len(owed) != 1 || owed[0].Phone != "081211110000" {
			t.Fatalf("refunds owed: %+v %v", owed, err)
		}
		if _, err := e.svc.ShopRefund(context.Background(), c.Invoice, "transfer"); err != nil {
			t.Fatal(err)
		}
		if st := e.call(t, "GET", "/shop/api/invoice/"+c.Invoice, "", &inv); st != 200 || inv.Status != "Refunded" {
			t.Fatalf("refunded: %+v", inv)
		}
		e.ledgerClean(t)
	})
}

func TestAPIRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setup(t, be, storefront.Options{CheckoutBurst: 4})
		var c checkout
		body := func(variant, phone string) string {
			b, _ := json.Marshal(map[string]string{"variant": variant, "data": "12345678(1234)", "method": "QRIS", "phone": phone})
			return string(b)
		}
		if st := e.call(t, "POST", "/shop/api/checkout", body("ML5", "12"), &c); st != 400 || c.Field != "phone" || c.Error == "" {
			t.Fatalf("bad phone: %d %+v", st, c)
		}
		if st := e.call(t, "POST", "/shop/api/checkout", body("NOPE", "081200001111"), &c); st != 404 {
			t.Fatalf("unknown variant: %d %+v", st, c)
		}
		if st := e.call(t, "POST", "/shop/api/checkout", `{"variant":"ML5","bogus":1}`, &c); st != 400 || c.Code != "bad_body" {
			t.Fatalf("unknown field: %d %+v", st, c)
		}
		// Two more pass, then the per-IP limit (a burst of four) answers 429.
		for i := 0; i < 2; i++ {
			if st := e.call(t, "POST", "/shop/api/checkout", body("ML5", "081200002222"), &c); st != 201 {
				t.Fatalf("checkout %d: %d %+v", i, st, c)
			}
		}
		if st := e.call(t, "POST", "/shop/api/checkout", body("ML5", "081200002222"), &c); st != 429 || c.Code != "too_fast" {
			t.Fatalf("rate limit: %d %+v", st, c)
		}
		e.ledgerClean(t)
	})
}

func TestUnpaidCapPerPhone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setup(t, be, storefront.Options{CheckoutBurst: 100})
		for i := 0; i < core.ShopMaxUnpaid; i++ {
			var c checkout
			if st := e.call(t, "POST", "/shop/api/checkout", `{"variant":"ML12","data":"12345678(1)","method":"QRIS","phone":"081200003333"}`, &c); st != 201 {
				t.Fatalf("checkout %d: %d %+v", i, st, c)
			}
		}
		var c checkout
		st := e.call(t, "POST", "/shop/api/checkout", `{"variant":"ML12","data":"12345678(1)","method":"QRIS","phone":"081200003333"}`, &c)
		if st != 429 || c.Code != "too_many_unpaid" {
			t.Fatalf("unpaid cap: %d %+v", st, c)
		}
	})
}

func TestWordsHaveBothLanguages(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		var b bytes.Buffer
		for _, code := range []string{"not_found", "invoice_not_found", "id_not_found", "too_fast", "too_many_unpaid", "unavailable", "cutoff",
			"pay_upstream", "pay_refused", "pay_unavailable", "bad_body", "no_endpoint", "internal"} {
			if storefront.Translate(lang, "err."+code) == code {
				b.WriteString(code + " ")
			}
		}
		if b.Len() > 0 {
			t.Errorf("%s: no text for %s", lang, b.String())
		}
	}
}

// TestPagesWithoutScript: the pages answer and the product form checks out without JavaScript
// (the destination joined from the fields by the product's format); unknown pages are 404s.
func TestPagesWithoutScript(t *testing.T) {
	t.Parallel()
	e := setup(t, storetest.Backends()[0], storefront.Options{})
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := noFollow.Get(e.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := get("/"); st != 200 || !strings.Contains(body, `href="/p/mobile-legends"`) || strings.Contains(body, "/p/hidden") {
		t.Fatalf("home: %d", st)
	}
	if st, body := get("/?q=telkom"); st != 200 || strings.Contains(body, "/p/mobile-legends") {
		t.Fatalf("search: %d", st)
	}
	if st, body := get("/p/mobile-legends"); st != 200 || !strings.Contains(body, `name="f_zone_id"`) || !strings.Contains(body, "Rp 1.900") {
		t.Fatalf("product page: %d", st)
	}
	for _, p := range []string{"/p/nope", "/p/hidden", "/invoice/TOKO-000000-NOPE", "/nothing-here", "/cek?invoice=TOKO-1"} {
		if st, _ := get(p); st != 404 {
			t.Errorf("%s: %d, want 404", p, st)
		}
	}
	form := url.Values{"f_user_id": {"12345678"}, "f_zone_id": {"77"}, "variant": {"ML5"}, "method": {"BRIVA"}, "phone": {"081277778888"}}
	resp, err := noFollow.PostForm(e.URL+"/p/mobile-legends", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/invoice/TOKO-") {
		t.Fatalf("form checkout: %d %s", resp.StatusCode, loc)
	}
	if st, body := get(loc); st != 200 || !strings.Contains(body, "12345678(77)") || !strings.Contains(body, `id="paycode"`) {
		t.Fatalf("invoice page: %d", st)
	}
	if st, _ := get(loc + "/qr.png"); st != 404 {
		t.Errorf("a VA invoice has no QR: %d", st)
	}
	if st, _ := get("/cek?invoice=" + strings.ToLower(strings.TrimPrefix(loc, "/invoice/"))); st != http.StatusSeeOther {
		t.Errorf("cek finds the invoice typed in lower case: %d", st)
	}
	// A refused form comes back with what was typed and the reason.
	form.Set("phone", "12")
	resp, err = noFollow.PostForm(e.URL+"/p/mobile-legends", form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "Nomor WhatsApp tidak valid") || !strings.Contains(string(b), `value="77"`) {
		t.Fatalf("refused form: %d", resp.StatusCode)
	}
	if st, _ := get("/shop/lang?to=en&next=//evil.example"); st != http.StatusSeeOther {
		t.Errorf("lang switch: %d", st)
	}
}

type notices struct {
	mu   sync.Mutex
	msgs []notify.Message
	fail bool
}

func (n *notices) Notify(_ context.Context, m notify.Message) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.fail {
		return errors.New("gateway down")
	}
	n.msgs = append(n.msgs, m)
	return nil
}

// TestNoticesTellEachStatusOnce: the buyer is told of the invoice, then of its outcome with the
// SN, each once; a notifier that fails is tried again on the next round.
func TestNoticesTellEachStatusOnce(t *testing.T) {
	t.Parallel()
	e := setup(t, storetest.Backends()[0], storefront.Options{})
	ctx := context.Background()
	got := &notices{fail: true}
	n := storefront.Notices{Svc: e.svc, Notifier: got, PublicURL: "https://toko.example"}
	var c checkout
	if st := e.call(t, "POST", "/shop/api/checkout", `{"variant":"ML5","data":"12345678(1234)","method":"QRIS","phone":"081234560000"}`, &c); st != 201 {
		t.Fatalf("checkout %d", st)
	}
	if _, err := n.Once(ctx); err == nil {
		t.Fatal("a failing notifier reported no error")
	}
	got.fail = false
	if sent, err := n.Once(ctx); err != nil || sent != 1 {
		t.Fatalf("first round: %d %v", sent, err)
	}
	if sent, _ := n.Once(ctx); sent != 0 {
		t.Fatalf("told twice: %d", sent)
	}
	inv := e.pay(t, c)
	if sent, err := n.Once(ctx); err != nil || sent != 1 {
		t.Fatalf("after delivery: %d %v", sent, err)
	}
	if len(got.msgs) != 2 || got.msgs[0].Phone != "081234560000" || !strings.Contains(got.msgs[0].Text, "Bayar sebelum") ||
		!strings.Contains(got.msgs[0].Text, "https://toko.example/invoice/"+c.Invoice) || !strings.Contains(got.msgs[1].Text, "SN: "+inv.SN) {
		t.Fatalf("messages %+v", got.msgs)
	}
}
