package digiflazz_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	dialect "github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/digiflazz"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// upstream is a Kios serving its Digiflazz-compatible API, with a reseller account for the
// connector.
type upstream struct {
	svc  *core.Service
	srv  *httptest.Server
	cr   core.Credentials
	conn *digiflazz.Supplier
}

const upstreamBalance = 50000

func newCore(t *testing.T, router core.Router) *core.Service {
	t.Helper()
	ctx := context.Background()
	svc, err := core.New(ctx, storetest.Backends()[0].Open(t), core.Config{Logger: quiet(), Router: router})
	if err != nil {
		t.Fatal(err)
	}
	err = svc.SaveCatalog(ctx, []catalog.Product{{Code: "telkomsel", Name: "Telkomsel", Category: "Pulsa", Brand: "TELKOMSEL", Active: true}},
		[]catalog.Variant{{ProductCode: "telkomsel", Code: "s5", Name: "5.000", Active: true, UnlimitedStock: true, Multi: true,
			Prices: map[string]int64{"default": 5005}}})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func runWorkers(t *testing.T, svc *core.Service) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = svc.RunWorkers(ctx, core.WorkerConfig{Poll: 10 * time.Millisecond, Workers: 4, UpstreamTimeout: 5 * time.Second})
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func newUpstream(t *testing.T, workers bool) *upstream {
	t.Helper()
	ctx := context.Background()
	svc := newCore(t, simroute.New(0))
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Username: "downstream", Name: "Downstream Kios"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credit(ctx, "downstream", upstreamBalance, "test"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dialect.New(svc, dialect.Options{Logger: quiet()}))
	t.Cleanup(srv.Close)
	conn, err := digiflazz.New(digiflazz.Config{Name: "up", BaseURL: srv.URL + "/v1", Username: "downstream", APIKey: cr.APIKey, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if workers {
		runWorkers(t, svc)
	}
	return &upstream{svc: svc, srv: srv, cr: cr, conn: conn}
}

func (u *upstream) balance(t *testing.T) int64 {
	t.Helper()
	b, err := u.svc.Balance(context.Background(), u.cr.Reseller.ID)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pollStatus asks Status until the answer is final.
func pollStatus(t *testing.T, s supplier.Supplier, req supplier.Request) supplier.Result {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		res, err := s.Status(context.Background(), req)
		if err != nil {
			t.Fatalf("status: %v", err)
		}
		if res.State == supplier.Success || res.State == supplier.Failed {
			return res
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("status never final")
	return supplier.Result{}
}

func TestPurchaseAndStatus(t *testing.T) {
	t.Parallel()
	u := newUpstream(t, true)
	ctx := context.Background()
	req := supplier.Request{Reference: "KIOS-1-1", SKU: "s5", Destination: "081234567890"}
	res, err := u.conn.Purchase(ctx, req)
	if err != nil || res.State != supplier.Pending {
		t.Fatalf("purchase: %+v %v", res, err)
	}
	res = pollStatus(t, u.conn, req)
	o, err := u.svc.OrderByReference(ctx, u.cr.Reseller.ID, "KIOS-1-1")
	if err != nil {
		t.Fatal(err)
	}
	if res.State != supplier.Success || res.SN == "" || res.SN != o.SN || res.Cost != 5005 || !strings.Contains(res.Raw, `"rc":"00"`) {
		t.Fatalf("final: %+v (upstream order %+v)", res, o)
	}
	// Status asked many times bought once.
	if b := u.balance(t); b != upstreamBalance-5005 {
		t.Fatalf("upstream balance %d", b)
	}

	fail := supplier.Request{Reference: "KIOS-2-1", SKU: "s5", Destination: "081200000000"}
	if res, err := u.conn.Purchase(ctx, fail); err != nil || res.State != supplier.Pending {
		t.Fatalf("purchase: %+v %v", res, err)
	}
	if res := pollStatus(t, u.conn, fail); res.State != supplier.Failed || res.Message == "" {
		t.Fatalf("failed order: %+v", res)
	}
	if b := u.balance(t); b != upstreamBalance-5005 {
		t.Fatalf("upstream balance after refund %d", b)
	}
}

func TestDefiniteRefusals(t *testing.T) {
	t.Parallel()
	u := newUpstream(t, false)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		req  supplier.Request
	}{
		{"unknown sku", supplier.Request{Reference: "R-1", SKU: "nope", Destination: "0812"}},
		{"above max price", supplier.Request{Reference: "R-2", SKU: "s5", Destination: "0812", MaxPrice: 5000}},
		{"bad destination", supplier.Request{Reference: "R-3", SKU: "s5", Destination: "a.b"}},
	} {
		res, err := u.conn.Purchase(ctx, c.req)
		if err != nil || res.State != supplier.Failed || res.Message == "" {
			t.Errorf("%s: %+v %v", c.name, res, err)
		}
	}
	if b := u.balance(t); b != upstreamBalance {
		t.Fatalf("upstream balance %d", b)
	}

	// A wrong key: a purchase is definitely refused, but a status check learns nothing.
	bad, err := digiflazz.New(digiflazz.Config{BaseURL: u.srv.URL + "/v1", Username: "downstream", APIKey: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	req := supplier.Request{Reference: "R-4", SKU: "s5", Destination: "0812"}
	if res, err := bad.Purchase(ctx, req); err != nil || res.State != supplier.Failed {
		t.Fatalf("purchase with a wrong key: %+v %v", res, err)
	}
	if _, err := bad.Status(ctx, req); !errors.Is(err, supplier.ErrUnknownOutcome) {
		t.Fatalf("status with a wrong key: %v", err)
	}
	// The reference exists upstream for another destination: never a definite failure.
	if res, err := u.conn.Purchase(ctx, supplier.Request{Reference: "R-5", SKU: "s5", Destination: "0812"}); err != nil || res.State != supplier.Pending {
		t.Fatalf("purchase: %+v %v", res, err)
	}
	if _, err := u.conn.Purchase(ctx, supplier.Request{Reference: "R-5", SKU: "s5", Destination: "0813"}); !errors.Is(err, supplier.ErrUnknownOutcome) {
		t.Fatalf("conflicting reference: %v", err)
	}
}

func TestUnknownOutcomes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		h    http.HandlerFunc
	}{
		{"5xx", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "bad gateway", http.StatusBadGateway) }},
		{"5xx with a refusal", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"data":{"rc":"02","status":"Gagal","message":"x"}}`)
		}},
		{"garbage", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>maintenance</html>") }},
		{"no rc", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"data":{"ref_id":"X"}}`) }},
		{"empty", func(w http.ResponseWriter, r *http.Request) {}},
		{"4xx without a refusal", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "nope", http.StatusForbidden) }},
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			// Read the body, so the server notices the client hanging up after its timeout.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}},
		{"cut off", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, `{"data":{"rc":"00"`)
		}},
	} {
		srv := httptest.NewServer(c.h)
		conn, err := digiflazz.New(digiflazz.Config{BaseURL: srv.URL + "/v1", Username: "u", APIKey: "k", Timeout: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		req := supplier.Request{Reference: "U-1", SKU: "s5", Destination: "0812"}
		if _, err := conn.Purchase(context.Background(), req); !errors.Is(err, supplier.ErrUnknownOutcome) {
			t.Errorf("%s: purchase: %v", c.name, err)
		}
		if _, err := conn.Status(context.Background(), req); !errors.Is(err, supplier.ErrUnknownOutcome) {
			t.Errorf("%s: status: %v", c.name, err)
		}
		srv.CloseClientConnections()
		srv.Close()
	}
}

// router sends every order to one supplier.
type router struct{ s supplier.Supplier }

func (r router) Candidates(_ context.Context, o *order.Order) ([]core.Candidate, error) {
	return []core.Candidate{{Supplier: r.s, SKU: o.VariantCode, Cost: 5000}}, nil
}
func (r router) Supplier(_ context.Context, name string) (supplier.Supplier, bool) {
	return r.s, name == r.s.Name()
}
func (r router) Testing() supplier.Supplier { return r.s }

// TestKiosBuysFromKios runs an order through a downstream Kios whose only supplier is an upstream
// Kios reached through this connector: the order succeeds with the upstream's serial number, and
// each side's ledger balances.
func TestKiosBuysFromKios(t *testing.T) {
	t.Parallel()
	u := newUpstream(t, true)
	ctx := context.Background()
	down := newCore(t, router{u.conn})
	cr, err := down.CreateReseller(ctx, core.NewReseller{Username: "shop", Name: "Shop"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := down.Credit(ctx, "shop", 10000, "test"); err != nil {
		t.Fatal(err)
	}
	runWorkers(t, down)
	placed, err := down.PlaceOrder(ctx, core.PlaceParams{Reseller: cr.Reseller, VariantCode: "s5", Reference: "shop-1", Destination: "081234567890"})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	var o *order.Order
	for time.Now().Before(deadline) {
		if o, err = down.Order(ctx, cr.Reseller.ID, placed.Order.Invoice); err != nil {
			t.Fatal(err)
		}
		if o.Status.Final() {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if o.Status != order.Success || o.SN == "" {
		t.Fatalf("downstream order %+v", o)
	}
	up, err := u.svc.Orders(ctx, store.OrderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(up) != 1 || up[0].SN != o.SN || up[0].Reference != o.Invoice+"-1" {
		t.Fatalf("upstream orders %+v", up)
	}
	for _, svc := range []*core.Service{down, u.svc} {
		rep, err := svc.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger: %v %v", err, rep.Discrepancies)
		}
	}
}

func TestPLNCustomer(t *testing.T) {
	t.Parallel()
	u := newUpstream(t, false)
	ctx := context.Background()
	want, err := u.svc.PLNCustomer(ctx, "12345678901")
	if err != nil {
		t.Fatal(err)
	}
	got, err := u.conn.PLNCustomer(ctx, "12345678901")
	if err != nil || got != want {
		t.Fatalf("got %+v %v, want %+v", got, err, want)
	}
	if _, err := u.conn.PLNCustomer(ctx, "12345670000"); !errors.Is(err, supplier.ErrUnknownCustomer) {
		t.Fatalf("unknown customer: %v", err)
	}
	bad, err := digiflazz.New(digiflazz.Config{BaseURL: u.srv.URL + "/v1", Username: "downstream", APIKey: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.PLNCustomer(ctx, "12345678901"); err == nil || errors.Is(err, supplier.ErrUnknownCustomer) {
		t.Fatalf("wrong key: %v", err)
	}
}
