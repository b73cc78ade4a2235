package digiswitch_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	dialect "github.com/kios-h2h/kios/internal/dialect/digiswitch"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/digiswitch"
	"github.com/kios-h2h/kios/internal/upstream/connect"
	"github.com/kios-h2h/kios/internal/upstream/pull"
	"github.com/kios-h2h/kios/internal/upstream/route"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// TestSyncFromKios syncs one Kios's catalog from another over the Digiswitch dialect: both the
// prepaid and the postpaid ("pasca") price lists, in one sync.
func TestSyncFromKios(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	up, err := core.New(ctx, storetest.Backends()[0].Open(t), core.Config{Logger: log, Router: simroute.New(0)})
	if err != nil {
		t.Fatal(err)
	}
	products, variants := demo.Catalog()
	if err := up.SaveCatalog(ctx, products, variants); err != nil {
		t.Fatal(err)
	}
	cr, err := up.CreateReseller(ctx, core.NewReseller{Username: "downstream", Name: "Downstream Kios"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dialect.New(up, dialect.Options{Logger: log, PriceListEvery: -1}))
	t.Cleanup(srv.Close)

	db := storetest.Backends()[0].Open(t)
	rt := route.New(db, route.Options{Logger: log, Connect: connect.Connectors(connect.Options{Timeout: 5 * time.Second})})
	svc, err := core.New(ctx, db, core.Config{Logger: log, Router: rt})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddSupplier(ctx, core.NewSupplier{Name: "ds", Kind: store.KindDigiswitch, BaseURL: srv.URL,
		Username: "downstream", APIKey: cr.APIKey}); err != nil {
		t.Fatal(err)
	}
	rep, err := pull.Catalog(ctx, svc, rt, "ds", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Items != len(variants) || rep.VariantsCreated != len(variants) {
		t.Fatalf("sync %+v, want all %d upstream variants", rep, len(variants))
	}

	pre, err := svc.Variant(ctx, "MLBB_ID_5")
	if err != nil {
		t.Fatal(err)
	}
	if pre.Kind != catalog.Prepaid || pre.Prices["default"] <= 0 {
		t.Fatalf("prepaid variant %+v", pre)
	}
	_, postpaid := demo.Postpaid()
	for _, want := range postpaid {
		v, err := svc.Variant(ctx, want.Code)
		if err != nil {
			t.Fatalf("postpaid %s not synced: %v", want.Code, err)
		}
		if v.Kind != catalog.Postpaid || !v.Active || v.Admin != want.Admin || v.Commission != want.Commission || len(v.Prices) != 0 {
			t.Fatalf("postpaid variant %+v, want admin %d commission %d and no tier price", v, want.Admin, want.Commission)
		}
	}

	// Synced again, every item is known: nothing new, no price moves.
	rep, err = pull.Catalog(ctx, svc, rt, "ds", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Items != len(variants) || rep.New != 0 || rep.VariantsCreated != 0 || rep.PricesChanged != 0 || rep.Retired != 0 {
		t.Fatalf("second sync %+v", rep)
	}
}

// TestBillsFromKios: a downstream Kios sells an upstream Kios's postpaid bills over the Digiswitch
// dialect. The inquiry is made upstream under a reference unique to the downstream (not the shop's
// ref_id), the payment is paid there under that same reference, and both ledgers agree: the
// upstream charged the downstream once, the inquiry's price, which the downstream booked as cost.
func TestBillsFromKios(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	upDB := storetest.Backends()[0].Open(t)
	up, err := core.New(ctx, upDB, core.Config{Logger: log, Router: simroute.New(0)})
	if err != nil {
		t.Fatal(err)
	}
	products, variants := demo.Catalog()
	if err := up.SaveCatalog(ctx, products, variants); err != nil {
		t.Fatal(err)
	}
	cr, err := up.CreateReseller(ctx, core.NewReseller{Username: "downstream", Name: "Downstream Kios"})
	if err != nil {
		t.Fatal(err)
	}
	const funds = 10_000_000
	if _, err := up.Credit(ctx, "downstream", funds, "test"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dialect.New(up, dialect.Options{Logger: log, PriceListEvery: -1}))
	t.Cleanup(srv.Close)

	db := storetest.Backends()[0].Open(t)
	rt := route.New(db, route.Options{Logger: log, Connect: connect.Connectors(connect.Options{Timeout: 5 * time.Second})})
	svc, err := core.New(ctx, db, core.Config{Logger: log, Router: rt})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddSupplier(ctx, core.NewSupplier{Name: "ds", Kind: store.KindDigiswitch, BaseURL: srv.URL,
		Username: "downstream", APIKey: cr.APIKey}); err != nil {
		t.Fatal(err)
	}
	if _, err := pull.Catalog(ctx, svc, rt, "ds", nil); err != nil {
		t.Fatal(err)
	}
	run := func(s *core.Service) {
		wctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { _ = s.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond}); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	run(up)
	run(svc)
	shop, err := svc.CreateReseller(ctx, core.NewReseller{Username: "shop", Name: "Shop"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credit(ctx, "shop", 5_000_000, "test"); err != nil {
		t.Fatal(err)
	}

	var cost int64
	for _, sku := range []string{"dspln", "aetra", "bpjs"} {
		p := core.BillParams{Reseller: shop.Reseller, VariantCode: sku, Reference: "shop-" + sku, CustomerNo: "530000000123"}
		in, err := svc.Inquire(ctx, p)
		if err != nil {
			t.Fatalf("%s inquiry: %v", sku, err)
		}
		if in.Supplier != "ds" || in.UpstreamRef == "" || in.UpstreamRef == p.Reference {
			t.Fatalf("%s: inquiry recorded supplier %q upstream ref %q", sku, in.Supplier, in.UpstreamRef)
		}
		upIn, err := upDB.InquiryByReference(ctx, cr.Reseller.ID, in.UpstreamRef)
		if err != nil || upIn.Sheets != in.Sheets || upIn.Amount+upIn.Penalty != in.Amount+in.Penalty {
			t.Fatalf("%s: upstream inquiry %+v %v, downstream %+v", sku, upIn, err, in)
		}
		paid, err := svc.PayBill(ctx, p)
		if err != nil {
			t.Fatalf("%s pay: %v", sku, err)
		}
		deadline := time.Now().Add(15 * time.Second)
		o := paid.Order
		for o.Status == order.Pending {
			if time.Now().After(deadline) {
				t.Fatalf("%s: payment still pending", sku)
			}
			time.Sleep(20 * time.Millisecond)
			if o, err = svc.Order(ctx, shop.Reseller.ID, paid.Order.Invoice); err != nil {
				t.Fatal(err)
			}
		}
		if o.Status != order.Success || o.SN == "" || o.BillSupplier != "ds" || o.BillRef != in.UpstreamRef {
			t.Fatalf("%s: payment %+v", sku, o)
		}
		upOrders, err := upDB.OrderList(ctx, store.OrderFilter{ResellerID: cr.Reseller.ID, Search: in.UpstreamRef})
		if err != nil || len(upOrders) != 1 || upOrders[0].Status != order.Success || upOrders[0].Price != upIn.Price {
			t.Fatalf("%s: upstream payments %+v %v", sku, upOrders, err)
		}
		cost += upIn.Price
	}
	// A pay-pasca lost on the way: the status check finds no payment under the reference and
	// sends it; the bill is paid once.
	conn := digiswitch.New("ds", srv.URL, "downstream", cr.APIKey, "")
	lost := "KIOS-BILL-lost"
	if _, err := conn.Inquire(ctx, supplier.BillRequest{Reference: lost, SKU: "dspln", CustomerNo: "530000000456"}); err != nil {
		t.Fatal(err)
	}
	upIn, err := upDB.InquiryByReference(ctx, cr.Reseller.ID, lost)
	if err != nil {
		t.Fatal(err)
	}
	req := supplier.Request{Reference: "lost-1", SKU: "dspln", Destination: "530000000456", BillRef: lost}
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := conn.Status(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if res.State == supplier.Success {
			break
		}
		if res.State != supplier.Pending || time.Now().After(deadline) {
			t.Fatalf("lost payment: %+v", res)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if paid, err := upDB.OrderList(ctx, store.OrderFilter{ResellerID: cr.Reseller.ID, Search: lost}); err != nil || len(paid) != 1 {
		t.Fatalf("upstream payments under a lost pay-pasca: %+v %v", paid, err)
	}
	// The upstream charged the downstream for its three bills and the one paid by hand here.
	if bal, err := up.Balance(ctx, cr.Reseller.ID); err != nil || bal != funds-cost-upIn.Price {
		t.Fatalf("upstream charged %d, want %d (%v)", funds-bal, cost+upIn.Price, err)
	}
	if got, err := db.Balance(ctx, ledger.CostCode); err != nil || got != cost {
		t.Fatalf("downstream booked cost %d, want %d (%v)", got, cost, err)
	}
	for name, s := range map[string]*core.Service{"upstream": up, "downstream": svc} {
		if rep, err := s.LedgerCheck(ctx); err != nil || !rep.OK() {
			t.Fatalf("%s ledger: %v %v", name, rep.Discrepancies, err)
		}
	}
}
