package inbound_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/inbound"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

// pusher stays Pending when asked and tells the outcome by callback: body "REF SN", signed by
// the header X-Sig: secret.
type pusher struct {
	purchases, statuses atomic.Int64
	sent                chan string // references purchased
}

func (p *pusher) Name() string { return "push" }
func (p *pusher) Purchase(_ context.Context, req supplier.Request) (supplier.Result, error) {
	p.purchases.Add(1)
	p.sent <- req.Reference
	return supplier.Result{State: supplier.Pending}, nil
}
func (p *pusher) Status(context.Context, supplier.Request) (supplier.Result, error) {
	p.statuses.Add(1)
	return supplier.Result{State: supplier.Pending}, nil
}
func (p *pusher) ReadCallback(h http.Header, body []byte) (string, supplier.Result, error) {
	if h.Get("X-Sig") != "secret" {
		return "", supplier.Result{}, supplier.ErrBadSignature
	}
	ref, sn, ok := strings.Cut(string(body), " ")
	if !ok {
		return "", supplier.Result{}, io.ErrUnexpectedEOF
	}
	return ref, supplier.Result{State: supplier.Success, SN: sn, Cost: 800}, nil
}

func TestSupplierCallbackSettles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := storetest.Backends()[0].Open(t)
	p := &pusher{sent: make(chan string, 1)}
	rt := route.New(db, route.Options{Logger: log, Connect: func(store.Supplier) (supplier.Supplier, error) { return p, nil }})
	svc, err := core.New(ctx, db, core.Config{Logger: log, Router: rt})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SaveCatalog(ctx, []catalog.Product{{Code: "g", Name: "G", Active: true}},
		[]catalog.Variant{{ProductCode: "g", Code: "V", Name: "V", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 1000}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddSupplier(ctx, core.NewSupplier{Name: "push", Kind: store.KindSimulator}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SyncCatalog(ctx, "push", []supplier.Item{{Code: "V", Name: "V", Cost: 800, Active: true}}, nil); err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Shop"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credit(ctx, cr.Reseller.Username, 5000, "t"); err != nil {
		t.Fatal(err)
	}
	v, _ := svc.Variant(ctx, "V")
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = svc.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond}); close(done) }()
	defer func() { cancel(); <-done }()

	srv := httptest.NewServer(inbound.Handler(svc, rt, log))
	defer srv.Close()
	post := func(path, sig, body string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("X-Sig", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	placed, err := svc.PlaceOrder(ctx, core.PlaceParams{Reseller: cr.Reseller, VariantCode: "V", Reference: "r1", Destination: "0812"})
	if err != nil {
		t.Fatal(err)
	}
	ref := <-p.sent
	if c := post("/callback/push", "forged", ref+" SN1"); c != http.StatusUnauthorized {
		t.Fatalf("forged callback: %d", c)
	}
	if c := post("/callback/nobody", "secret", ref+" SN1"); c != http.StatusNotFound {
		t.Fatalf("unknown supplier: %d", c)
	}
	if c := post("/callback/push", "secret", "NOPE-1 SN1"); c != http.StatusNotFound {
		t.Fatalf("unknown reference: %d", c)
	}
	if o, _ := svc.Order(ctx, cr.Reseller.ID, placed.Order.Invoice); o.Status != order.Pending {
		t.Fatalf("refused callbacks changed the order: %s", o.Status)
	}
	for i := 0; i < 2; i++ { // the supplier repeats itself: settled once
		if c := post("/callback/push", "secret", ref+" SN1"); c != http.StatusOK {
			t.Fatalf("callback: %d", c)
		}
	}
	o, _ := svc.Order(ctx, cr.Reseller.ID, placed.Order.Invoice)
	if o.Status != order.Success || o.SN != "SN1" || o.Cost != 800 {
		t.Fatalf("after callback: %+v", o)
	}
	if p.purchases.Load() != 1 {
		t.Fatalf("%d purchases", p.purchases.Load())
	}
	bal, _ := db.Balance(ctx, ledger.AvailableCode(cr.Reseller.ID))
	costs, _ := db.Balance(ctx, ledger.CostCode)
	rep, _ := svc.LedgerCheck(ctx)
	if bal != 5000-v.Prices["default"] || v.Prices["default"] != 850 || costs != 800 || !rep.OK() {
		t.Fatalf("balance %d cost %d ledger %v", bal, costs, rep.Discrepancies)
	}
	if n, _ := db.JobCounts(ctx); n[store.JobFulfil] != 0 {
		t.Fatalf("fulfil job left after callback: %v", n)
	}
}
