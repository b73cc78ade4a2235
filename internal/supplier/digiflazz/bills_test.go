package digiflazz_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	dialect "github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/digiflazz"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// TestBillsThroughDigiflazz: the connector looks a bill up with inq-pasca under the reference it
// is given, reads the bill as the upstream recorded it, pays it with pay-pasca under that same
// reference, and a payment sent again (a purchase retried, a status check) is the same payment
// upstream, charged once.
func TestBillsThroughDigiflazz(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Backends()[0].Open(t)
	up, err := core.New(ctx, db, core.Config{Logger: quiet(), Router: simroute.New(0)})
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
	if _, err := up.Credit(ctx, "downstream", 10_000_000, "test"); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = up.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond}); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	srv := httptest.NewServer(dialect.New(up, dialect.Options{Logger: quiet()}))
	t.Cleanup(srv.Close)
	conn, err := digiflazz.New(digiflazz.Config{Name: "up", BaseURL: srv.URL + "/v1", Username: "downstream", APIKey: cr.APIKey, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := conn.Inquire(ctx, supplier.BillRequest{Reference: "KIOS-BILL-none", SKU: "dspln", CustomerNo: "530000000000"}); !errors.Is(err, supplier.ErrNoBill) {
		t.Fatalf("no bill: %v", err)
	}
	for _, sku := range []string{"dspln", "aetra", "bpjs"} {
		ref, customer := "KIOS-BILL-"+sku, "530000000123"
		b, err := conn.Inquire(ctx, supplier.BillRequest{Reference: ref, SKU: sku, CustomerNo: customer})
		if err != nil {
			t.Fatalf("%s inquiry: %v", sku, err)
		}
		in, err := db.InquiryByReference(ctx, cr.Reseller.ID, ref)
		if err != nil {
			t.Fatal(err)
		}
		if b.CustomerName != in.CustomerName || b.Sheets != in.Sheets || b.Amount+b.Penalty != in.Amount+in.Penalty || len(b.Desc) == 0 {
			t.Fatalf("%s: bill read %+v, upstream recorded %+v", sku, b, in)
		}
		if sku != "bpjs" && (b.Amount != in.Amount || b.Penalty != in.Penalty) {
			t.Fatalf("%s: amount %d penalty %d, upstream %d %d", sku, b.Amount, b.Penalty, in.Amount, in.Penalty)
		}

		req := supplier.Request{Reference: "A-" + sku + "-1", SKU: sku, Destination: customer, BillRef: ref}
		pay := conn.Purchase
		if sku == "aetra" {
			// The pay-pasca lost on the way: the status check finds no payment and sends it.
			pay = conn.Status
		}
		res, err := pay(ctx, req)
		if err != nil || (res.State != supplier.Pending && res.State != supplier.Success) {
			t.Fatalf("%s pay: %+v %v", sku, res, err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for res.State != supplier.Success {
			if time.Now().After(deadline) {
				t.Fatalf("%s: payment not final: %+v", sku, res)
			}
			time.Sleep(20 * time.Millisecond)
			if res, err = conn.Status(ctx, req); err != nil {
				t.Fatalf("%s status: %v", sku, err)
			}
		}
		if res.SN == "" || res.Cost != in.Price {
			t.Fatalf("%s: paid %+v, want cost %d", sku, res, in.Price)
		}
		// Sent again (a retried purchase): the same payment, not a second one.
		if again, err := conn.Purchase(ctx, req); err != nil || again.State != supplier.Success || again.SN != res.SN {
			t.Fatalf("%s pay again: %+v %v", sku, again, err)
		}
		paid, err := db.OrderList(ctx, store.OrderFilter{ResellerID: cr.Reseller.ID, Search: ref})
		if err != nil || len(paid) != 1 || paid[0].Status != order.Success {
			t.Fatalf("%s: upstream orders under the reference %+v %v", sku, paid, err)
		}
	}
	rep, err := up.LedgerCheck(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("upstream ledger: %v %v", rep.Discrepancies, err)
	}
}
