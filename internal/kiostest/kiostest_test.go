package kiostest_test

import (
	"context"
	"testing"

	"github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/order"
)

// On each backend: an order placed through the kit's server (BASSTORE) becomes final as the
// simulator decides, and the kit learns it from the core's signal; an operator's resolve signals
// too.
func TestKit(t *testing.T) {
	kiostest.Each(t, kiostest.Options{}, func(t *testing.T, k *kiostest.Kit) {
		k.Run()
		client := basstore.NewClient(k.Server.URL, k.Reseller.Token, basstore.Options{})
		place := func(ref, dest string) string {
			t.Helper()
			a, err := client.Order(context.Background(), basstore.OrderRequest{Code: "s5", ReferenceNumber: ref, Data: dest})
			if err != nil {
				t.Fatalf("order %s: %v", ref, err)
			}
			return a.InvoiceNumber
		}
		ok, failed := place("kit-1", "081234567890"), place("kit-2", "081200000000")
		if st := k.WaitFinal(ok); st != order.Success {
			t.Errorf("%s: %s, want Success", ok, st)
		}
		if st := k.WaitFinal(failed); st != order.Failed {
			t.Errorf("%s: %s, want Failed", failed, st)
		}
		// The signal comes after the commit: the store already shows the state.
		o, err := k.Svc.Order(context.Background(), k.Reseller.Reseller.ID, ok)
		if err != nil || o.Status != order.Success {
			t.Fatalf("%s after its signal: %+v %v", ok, o, err)
		}
	})
}

// A resolve by hand signals the order's final state too.
func TestKitResolveSignals(t *testing.T) {
	k := kiostest.Setup(t, kiostest.Options{})
	placed, err := k.Svc.PlaceOrder(context.Background(), core.PlaceParams{Reseller: k.Reseller.Reseller, VariantCode: "s5",
		Reference: "kit-3", Destination: "081234567890"})
	if err != nil {
		t.Fatal(err)
	}
	if _, done := k.Final(placed.Order.Invoice); done {
		t.Fatal("signalled before it was final")
	}
	if _, err := k.Svc.ResolveOrder(context.Background(), core.Resolution{Invoice: placed.Order.Invoice, Status: order.Failed, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if st := k.WaitFinal(placed.Order.Invoice); st != order.Failed {
		t.Errorf("resolved Failed, signalled %s", st)
	}
}
