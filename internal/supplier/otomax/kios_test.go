package otomax_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/callback"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	dialect "github.com/kios-h2h/kios/internal/dialect/otomax"
	"github.com/kios-h2h/kios/internal/dialect/registry"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/connect"
	"github.com/kios-h2h/kios/internal/upstream/inbound"
	"github.com/kios-h2h/kios/internal/upstream/route"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

const (
	pin      = "246810"
	upFunds  = 10_000_000
	sku      = "MLBB_ID_12"
	shopName = "shop"
)

// chain is a buyer Kios whose supplier "ox" is a seller Kios speaking Otomax "via IP".
type chain struct {
	up, down     *core.Service
	upDB, downDB *store.DB
	upID         int64 // the buyer's account at the seller
	shop         *core.Credentials
	cost         int64 // the seller's price to the buyer
	secret       string
	inbound      *httptest.Server
	stopDown     func()
}

func newChain(t *testing.T, b storetest.Backend) *chain {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c := &chain{}
	c.upDB = b.Open(t)
	var err error
	if c.up, err = core.New(ctx, c.upDB, core.Config{Logger: log, Router: simroute.New(0)}); err != nil {
		t.Fatal(err)
	}
	products, variants := demo.Catalog()
	if err := c.up.SaveCatalog(ctx, products, variants); err != nil {
		t.Fatal(err)
	}
	cr, err := c.up.CreateReseller(ctx, core.NewReseller{Username: "downstream", Name: "Downstream Kios"})
	if err != nil {
		t.Fatal(err)
	}
	c.upID = cr.Reseller.ID
	if _, err := c.up.Credit(ctx, "downstream", upFunds, "test"); err != nil {
		t.Fatal(err)
	}
	if err := dialect.SetMember(ctx, c.up, "downstream", pin, false); err != nil {
		t.Fatal(err)
	}
	v, err := c.up.Variant(ctx, sku)
	if err != nil {
		t.Fatal(err)
	}
	c.cost = v.Prices["default"]
	srv := httptest.NewServer(dialect.New(c.up, dialect.Options{Logger: log}))
	t.Cleanup(srv.Close)
	run(t, c.up)
	// The seller reports back to the buyer (a loopback address: private callbacks allowed).
	cbCtx, cbCancel := context.WithCancel(ctx)
	cbDone := make(chan struct{})
	go func() {
		_ = callback.Run(cbCtx, c.up, callback.Config{Dialects: registry.Default(), AllowPrivate: true, Poll: 20 * time.Millisecond, RetryBase: 50 * time.Millisecond})
		close(cbDone)
	}()
	t.Cleanup(func() { cbCancel(); <-cbDone })

	c.downDB = b.Open(t)
	rt := route.New(c.downDB, route.Options{Logger: log, Connect: connect.Connectors(connect.Options{Timeout: 5 * time.Second})})
	if c.down, err = core.New(ctx, c.downDB, core.Config{Logger: log, Router: rt}); err != nil {
		t.Fatal(err)
	}
	if err := c.down.SaveCatalog(ctx, products, variants); err != nil {
		t.Fatal(err)
	}
	sup, err := c.down.AddSupplier(ctx, core.NewSupplier{Name: "ox", Kind: store.KindOtomax, BaseURL: srv.URL + dialect.Prefix,
		Username: "downstream", Token: pin, APIKey: cr.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	c.secret = sup.CallbackSecret
	if err := c.down.SetSupplierProduct(ctx, "ox", sku, c.cost); err != nil {
		t.Fatal(err)
	}
	if err := c.down.MapSupplierProduct(ctx, "ox", sku, sku, 0); err != nil {
		t.Fatal(err)
	}
	c.inbound = httptest.NewServer(inbound.Handler(c.down, rt, log))
	t.Cleanup(c.inbound.Close)
	c.stopDown = run(t, c.down)
	shop, err := c.down.CreateReseller(ctx, core.NewReseller{Username: shopName, Name: "Shop"})
	if err != nil {
		t.Fatal(err)
	}
	c.shop = &shop
	if _, err := c.down.Credit(ctx, shopName, 5_000_000, "test"); err != nil {
		t.Fatal(err)
	}
	return c
}

// run runs s's workers until the test ends or the returned stop is called.
func run(t *testing.T, s *core.Service) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = s.RunWorkers(ctx, core.WorkerConfig{Poll: 10 * time.Millisecond}); close(done) }()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	t.Cleanup(stop)
	return stop
}

func waitFinal(t *testing.T, s *core.Service, resellerID int64, invoice string, within time.Duration) *order.Order {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		o, err := s.Order(context.Background(), resellerID, invoice)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status.Final() {
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s still %s", invoice, o.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestKiosDownstreamOfKiosOverOtomax: each order of the buyer is bought once at the seller, at
// the seller's price, which the buyer books as cost; the SN flows back; a failure upstream is a
// refund downstream; both ledgers balance.
func TestKiosDownstreamOfKiosOverOtomax(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		c := newChain(t, b)
		ctx := context.Background()
		dests := []string{"081234560001", "081234560002", "081234560003", "081234560000", "081234561111"}
		var invoices []string
		for i, d := range dests {
			p, err := c.down.PlaceOrder(ctx, core.PlaceParams{Reseller: c.shop.Reseller, VariantCode: sku, Reference: "shop-" + d, Destination: d})
			if err != nil {
				t.Fatalf("order %d: %v", i, err)
			}
			invoices = append(invoices, p.Order.Invoice)
		}
		var cost int64
		for i, inv := range invoices {
			o := waitFinal(t, c.down, c.shop.Reseller.ID, inv, 30*time.Second)
			atts, err := c.downDB.Attempts(ctx, o.ID)
			if err != nil || len(atts) != 1 || atts[0].Supplier != "ox" {
				t.Fatalf("%s: attempts %+v %v", dests[i], atts, err)
			}
			up, err := c.upDB.OrderByReference(ctx, c.upID, atts[0].Reference)
			if err != nil {
				t.Fatalf("%s: no order at the seller under %s: %v", dests[i], atts[0].Reference, err)
			}
			if up.Status != o.Status || up.Destination != dests[i] || up.VariantCode != sku || up.Dialect != dialect.Dialect {
				t.Fatalf("%s: seller's order %+v, buyer's %+v", dests[i], up, o)
			}
			if strings.HasSuffix(dests[i], "0000") {
				if o.Status != order.Failed {
					t.Fatalf("%s: %s, want failed (the seller's simulator fails it)", dests[i], o.Status)
				}
				continue
			}
			if o.Status != order.Success || o.SN == "" || o.SN != up.SN {
				t.Fatalf("%s: buyer's order %+v, seller's SN %q", dests[i], o, up.SN)
			}
			cost += up.Price
		}
		// One purchase per order at the seller, whatever the polling.
		ups, err := c.upDB.OrderList(ctx, store.OrderFilter{ResellerID: c.upID, Limit: 100})
		if err != nil || len(ups) != len(dests) {
			t.Fatalf("seller holds %d orders, want %d (%v)", len(ups), len(dests), err)
		}
		if cost != int64(len(dests)-1)*c.cost {
			t.Fatalf("seller charged %d, want %d", cost, int64(len(dests)-1)*c.cost)
		}
		if bal, err := c.up.Balance(ctx, c.upID); err != nil || bal != upFunds-cost {
			t.Fatalf("buyer's balance at the seller %d, want %d (%v)", bal, upFunds-cost, err)
		}
		if got, err := c.downDB.Balance(ctx, ledger.CostCode); err != nil || got != cost {
			t.Fatalf("buyer booked cost %d, want %d (%v)", got, cost, err)
		}
		for name, s := range map[string]*core.Service{"seller": c.up, "buyer": c.down} {
			if rep, err := s.LedgerCheck(ctx); err != nil || !rep.OK() {
				t.Fatalf("%s ledger: %v %v", name, rep.Discrepancies, err)
			}
		}
	})
}

// TestReportBackSettles: with the buyer's workers stopped once its purchase is pending, the
// seller's report-back GET alone settles the buyer's order.
func TestReportBackSettles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) { reportBackSettles(t, b) })
}

func reportBackSettles(t *testing.T, b storetest.Backend) {
	c := newChain(t, b)
	ctx := context.Background()
	if err := c.up.SetCallback(ctx, "downstream", c.inbound.URL+"/callback/ox?key="+c.secret); err != nil {
		t.Fatal(err)
	}
	// A destination the seller's simulator keeps pending for 5 s.
	p, err := c.down.PlaceOrder(ctx, core.PlaceParams{Reseller: c.shop.Reseller, VariantCode: sku, Reference: "rb", Destination: "081299991111"})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		atts, err := c.downDB.Attempts(ctx, p.Order.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(atts) == 1 && atts[0].State == "pending" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("attempts %+v", atts)
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.stopDown()
	o := waitFinal(t, c.down, c.shop.Reseller.ID, p.Order.Invoice, 30*time.Second)
	atts, err := c.downDB.Attempts(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	up, err := c.upDB.OrderByReference(ctx, c.upID, atts[0].Reference)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != order.Success || o.SN != up.SN || o.SN == "" {
		t.Fatalf("buyer %+v, seller SN %q", o, up.SN)
	}
	if got, err := c.downDB.Balance(ctx, ledger.CostCode); err != nil || got != up.Price {
		t.Fatalf("buyer booked cost %d, want %d (%v)", got, up.Price, err)
	}
}
