package supplier_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kios-h2h/kios/internal/supplier"
)

// bare buys and lists its catalog, nothing else.
type bare struct{}

func (bare) Name() string { return "bare" }
func (bare) Purchase(context.Context, supplier.Request) (supplier.Result, error) {
	return supplier.Result{State: supplier.Success}, nil
}
func (bare) Status(context.Context, supplier.Request) (supplier.Result, error) {
	return supplier.Result{State: supplier.Success}, nil
}
func (bare) Catalog(context.Context) ([]supplier.Item, error) {
	return []supplier.Item{{Code: "P", Kind: "prepaid"}, {Code: "B", Kind: "postpaid"}}, nil
}

// A connector's capabilities are its methods as a Connection: those it lacks answer
// ErrUnsupported and are not offered; one kind of list is its catalog filtered.
func TestAsConnection(t *testing.T) {
	ctx := context.Background()
	c := supplier.AsConnection(bare{})
	if supplier.AsConnection(c) != c {
		t.Fatal("a Connection is wrapped again")
	}
	if !c.Offers(supplier.CanCatalog) || c.Offers(supplier.CanBalance) || c.Offers(supplier.CanBill) || c.Offers(supplier.CanCallback) {
		t.Fatal("offers what it has not")
	}
	if items, err := c.CatalogKind(ctx, "postpaid"); err != nil || len(items) != 1 || items[0].Code != "B" {
		t.Fatalf("postpaid list: %v, %v", items, err)
	}
	if items, err := c.CatalogKind(ctx, "prepaid"); err != nil || len(items) != 1 || items[0].Code != "P" {
		t.Fatalf("prepaid list: %v, %v", items, err)
	}
	if _, err := c.Balance(ctx); !errors.Is(err, supplier.ErrUnsupported) {
		t.Fatalf("balance: %v", err)
	}
	if _, err := c.Inquire(ctx, supplier.BillRequest{}); !errors.Is(err, supplier.ErrUnsupported) {
		t.Fatalf("inquire: %v", err)
	}
	if _, _, err := c.ReadCallback(nil, nil); !errors.Is(err, supplier.ErrUnsupported) {
		t.Fatalf("callback: %v", err)
	}
	done := make(chan supplier.Result, 1)
	c.StartPurchase(ctx, supplier.Request{}, func(res supplier.Result, _ error) { done <- res })
	if res := <-done; res.State != supplier.Success {
		t.Fatalf("started purchase: %+v", res)
	}
}
