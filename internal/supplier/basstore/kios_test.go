package basstore_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/callback"
	"github.com/kios-h2h/kios/internal/dialect/registry"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/connect"
	"github.com/kios-h2h/kios/internal/upstream/inbound"
	"github.com/kios-h2h/kios/internal/upstream/pull"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

// TestBuyFromKios has one Kios buy from another over the BASSTORE dialect: the catalog synced
// from it, orders fulfilled by its simulator, and the money agreeing on both sides.
func TestBuyFromKios(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	up := basstoretest.New(t, basstoretest.Config{Workers: true})
	up.Fund(t, up.A, 100000)

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := storetest.Backends()[0].Open(t)
	rt := route.New(db, route.Options{Logger: log, Connect: connect.Connectors(connect.Options{Timeout: 5 * time.Second})})
	svc, err := core.New(ctx, db, core.Config{Logger: log, Router: rt})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddSupplier(ctx, core.NewSupplier{Name: "upa", Kind: store.KindBasstore, BaseURL: up.URL, Token: up.A.Token}); err != nil {
		t.Fatal(err)
	}
	rep, err := pull.Catalog(ctx, svc, rt, "upa", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.VariantsCreated < 5 {
		t.Fatalf("sync %+v", rep)
	}
	v, err := svc.Variant(ctx, "MLBB_ID_5")
	if err != nil {
		t.Fatal(err)
	}
	if v.ProductCode != "mobile-legends" || v.Prices["default"] <= 1389 {
		t.Fatalf("synced variant %+v (cost is the Gold price, 1389)", v)
	}
	price := v.Prices["default"]

	cr, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Downstream"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credit(ctx, cr.Reseller.Username, 50000, "t"); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		_ = svc.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond, UpstreamTimeout: 5 * time.Second})
		close(done)
	}()
	defer func() { cancel(); <-done }()

	wait := func(ref, dest string) *order.Order {
		p, err := svc.PlaceOrder(ctx, core.PlaceParams{Reseller: cr.Reseller, VariantCode: "MLBB_ID_5", Reference: ref, Destination: dest})
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			o, err := svc.Order(ctx, cr.Reseller.ID, p.Order.Invoice)
			if err != nil {
				t.Fatal(err)
			}
			if o.Status.Final() {
				return o
			}
		}
		t.Fatalf("%s not final", ref)
		return nil
	}
	ok := wait("d1", "12345678(1234)")
	failed := wait("d2", "5550000")
	if ok.Status != order.Success || ok.SN == "" || ok.Cost != 1389 {
		t.Fatalf("success %+v", ok)
	}
	if failed.Status != order.Failed {
		t.Fatalf("failed %+v", failed)
	}
	at, _ := db.Attempts(ctx, ok.ID)
	if len(at) != 1 || at[0].UpstreamRef == "" {
		t.Fatalf("attempts %+v", at)
	}
	upOrder, err := up.Svc.Order(ctx, up.A.Reseller.ID, at[0].UpstreamRef)
	if err != nil || upOrder.SN != ok.SN || upOrder.Reference != at[0].Reference {
		t.Fatalf("upstream order %+v %v", upOrder, err)
	}

	// Money agrees: what the upstream took from our account is our cost.
	if got := up.Balance(t, up.A); got != 100000-1389 {
		t.Fatalf("our balance upstream %d", got)
	}
	if bal, err := pull.Balance(ctx, svc, rt, "upa"); err != nil || bal != 100000-1389 {
		t.Fatalf("fetched balance %d %v", bal, err)
	}
	sup, _ := db.SupplierByName(ctx, "upa")
	dep, _ := db.Balance(ctx, ledger.SupplierCode(sup.ID))
	revenue, _ := db.Balance(ctx, ledger.RevenueCode)
	costs, _ := db.Balance(ctx, ledger.CostCode)
	if dep != -1389 || costs != 1389 || revenue != price {
		t.Fatalf("deposit %d cost %d revenue %d", dep, costs, revenue)
	}
	for _, s := range []*core.Service{svc, up.Svc} {
		rep, err := s.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger %v %v", rep.Discrepancies, err)
		}
	}
}

// TestKiosCallbacksAccepted: a Kios buying from another Kios over BASSTORE, registered with the
// token and the api key Kios issued it there, accepts the upstream's signed callbacks by default
// (the upstream signs BASSTORE callbacks with the api key).
func TestKiosCallbacksAccepted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	up := basstoretest.New(t, basstoretest.Config{Workers: true})
	up.Fund(t, up.A, 100000)

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := storetest.Backends()[0].Open(t)
	rt := route.New(db, route.Options{Logger: log, Connect: connect.Connectors(connect.Options{Timeout: 5 * time.Second})})
	svc, err := core.New(ctx, db, core.Config{Logger: log, Router: rt})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddSupplier(ctx, core.NewSupplier{Name: "upa", Kind: store.KindBasstore, BaseURL: up.URL, Token: up.A.Token,
		APIKey: up.A.APIKey}); err != nil {
		t.Fatal(err)
	}
	accepted := make(chan int, 16)
	in := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		inbound.Handler(svc, rt, log).ServeHTTP(rec, r)
		accepted <- rec.Code
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	defer in.Close()
	if err := up.Svc.SetCallback(ctx, up.A.Reseller.Username, in.URL+"/callback/upa"); err != nil {
		t.Fatal(err)
	}
	cbCtx, stop := context.WithCancel(ctx)
	cbDone := make(chan struct{})
	go func() {
		_ = callback.Run(cbCtx, up.Svc, callback.Config{Dialects: registry.Default(), Node: "up", AllowPrivate: true})
		close(cbDone)
	}()
	defer func() { stop(); <-cbDone }()

	if _, err := pull.Catalog(ctx, svc, rt, "upa", nil); err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Downstream"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credit(ctx, cr.Reseller.Username, 50000, "t"); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		_ = svc.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond, UpstreamTimeout: 5 * time.Second})
		close(done)
	}()
	defer func() { cancel(); <-done }()
	if _, err := svc.PlaceOrder(ctx, core.PlaceParams{Reseller: cr.Reseller, VariantCode: "MLBB_ID_5", Reference: "d1", Destination: "12345678(1234)"}); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-accepted:
		// 200: applied; 404 cannot happen (the attempt exists before the order leaves).
		if code != http.StatusOK {
			t.Fatalf("the upstream's callback was answered %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no callback from the upstream")
	}
}
