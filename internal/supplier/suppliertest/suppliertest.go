// Package suppliertest runs orders through the real fulfilment path against one registered
// upstream connector, for connector tests: a kit (internal/kiostest) whose router is the
// registry's (route.Router), a variant V1 the upstream sells as SKU1 at Cost, a funded reseller,
// and the workers running. It is a thin layer over kiostest: waits are the core's final signals.
package suppliertest

import (
	"context"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

// Amounts every Bundle uses.
const (
	Price = 1000
	Cost  = 900
	Funds = 10000
	// Upstream is the registered supplier's name.
	Upstream = "up"
)

// Bundle is a running Kios buying from one upstream.
type Bundle struct {
	*kiostest.Kit
	Router *route.Router
	Cred   core.Credentials
}

// Setup starts a Kios whose only supplier is built by connect. upstreamTimeout bounds each call.
func Setup(t *testing.T, upstreamTimeout time.Duration, connect func(store.Supplier) (supplier.Supplier, error)) *Bundle {
	t.Helper()
	ctx := context.Background()
	b := &Bundle{}
	v := catalog.Variant{ProductCode: "game", Code: "V1", Name: "V1", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": Price}}
	b.Kit = kiostest.Setup(t, kiostest.Options{
		NewRouter: func(db *store.DB) core.Router {
			b.Router = route.New(db, route.Options{Logger: kiostest.Quiet(), Connect: connect})
			return b.Router
		},
		Products: []catalog.Product{{Code: "game", Name: "Game", Active: true}}, Variants: []catalog.Variant{v},
		Reseller: &core.NewReseller{Name: "Shop"}, Balance: Funds,
	})
	b.Cred = b.Reseller
	if _, err := b.Svc.AddSupplier(ctx, core.NewSupplier{Name: Upstream, Kind: store.KindSimulator}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Svc.SyncCatalog(ctx, Upstream, []supplier.Item{{Code: "SKU1", Name: "V1 upstream", Cost: Cost, Active: true}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Svc.MapSupplierProduct(ctx, Upstream, "SKU1", "V1", 0); err != nil {
		t.Fatal(err)
	}
	if err := b.Svc.SaveCatalog(ctx, nil, []catalog.Variant{v}); err != nil { // undo the repricing
		t.Fatal(err)
	}
	b.RunWith(core.WorkerConfig{Poll: 10 * time.Millisecond, UpstreamTimeout: upstreamTimeout, Lease: 10 * time.Second})
	return b
}

// Order places an order for V1 to dest and waits, on the core's signal, until it is final.
func (b *Bundle) Order(t *testing.T, ref, dest string) *order.Order {
	t.Helper()
	p, err := b.Svc.PlaceOrder(context.Background(), core.PlaceParams{Reseller: b.Cred.Reseller, VariantCode: "V1", Reference: ref, Destination: dest})
	if err != nil {
		t.Fatal(err)
	}
	return b.WaitInvoice(t, b.Cred.Reseller.ID, p.Order.Invoice)
}

// Expect checks an order's final state and the money after it, as the only order placed:
// success captured with cost booked at the upstream, failure refunded; the ledger check clean.
func (b *Bundle) Expect(t *testing.T, o *order.Order, want order.Status, cost int64) {
	t.Helper()
	ctx := context.Background()
	if o.Status != want {
		t.Fatalf("order %s: %s (%s), want %s", o.Invoice, o.Status, o.Message, want)
	}
	bal := func(code string) int64 {
		v, err := b.DB.Balance(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	sup, err := b.DB.SupplierByName(ctx, Upstream)
	if err != nil {
		t.Fatal(err)
	}
	avail, revenue, costs, deposit := bal(ledger.AvailableCode(b.Cred.Reseller.ID)), bal(ledger.RevenueCode), bal(ledger.CostCode), bal(ledger.SupplierCode(sup.ID))
	if want == order.Success {
		if avail != Funds-Price || revenue != Price || costs != cost || deposit != -cost || o.Cost != cost {
			t.Fatalf("after success: available %d revenue %d cost %d deposit %d order cost %d", avail, revenue, costs, deposit, o.Cost)
		}
	} else if avail != Funds || revenue != 0 || costs != 0 || deposit != 0 {
		t.Fatalf("after failure: available %d revenue %d cost %d deposit %d", avail, revenue, costs, deposit)
	}
	b.CheckLedger(t)
}

// Attempts lists an order's upstream attempts.
func (b *Bundle) Attempts(t *testing.T, o *order.Order) []store.Attempt {
	t.Helper()
	a, err := b.DB.Attempts(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
