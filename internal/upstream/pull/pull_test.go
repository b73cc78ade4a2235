package pull_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/simulator"
	"github.com/kios-h2h/kios/internal/upstream/pull"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

type listing struct {
	*simulator.Simulator
	items []supplier.Item
	bal   int64
	err   error
}

func (l *listing) Catalog(context.Context) ([]supplier.Item, error) { return l.items, l.err }
func (l *listing) Balance(context.Context) (int64, error)           { return l.bal, l.err }

func TestPullAll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := storetest.Backends()[0].Open(t)
	ups := map[string]*listing{
		"a":    {Simulator: simulator.New(0), bal: 123456, items: []supplier.Item{{Code: "A1", Name: "A one", ProductName: "Alpha", Cost: 1000, Active: true}}},
		"down": {Simulator: simulator.New(0), err: errors.New("connection refused")},
	}
	rt := route.New(db, route.Options{Logger: log, Connect: func(s store.Supplier) (supplier.Supplier, error) {
		if l := ups[s.Name]; l != nil {
			return l, nil
		}
		return simulator.New(0), nil
	}})
	svc, err := core.New(ctx, db, core.Config{Logger: log, Router: rt})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "down", "plain"} {
		if _, err := svc.AddSupplier(ctx, core.NewSupplier{Name: n, Kind: store.KindSimulator}); err != nil {
			t.Fatal(err)
		}
	}
	var last int
	err = pull.All(ctx, svc, rt, "", func(string) core.SyncProgress { return func(done, _ int) { last = done } })
	if err == nil || !errors.Is(err, ups["down"].err) {
		t.Fatalf("want the down supplier's error, got %v", err)
	}
	if last != 1 {
		t.Fatalf("progress %d", last)
	}
	if v, err := svc.Variant(ctx, "A1"); err != nil || v.ProductCode != "alpha" || v.Prices["default"] != 1050 {
		t.Fatalf("%+v %v", v, err)
	}
	if s, _ := svc.SupplierByName(ctx, "a"); s.Balance != 123456 || s.BalanceAt.IsZero() {
		t.Fatalf("balance %+v", s)
	}
	if err := pull.All(ctx, svc, rt, "plain", nil); err != nil {
		t.Fatalf("a connector without catalog is not an error: %v", err)
	}
	if err := pull.All(ctx, svc, rt, "ghost", nil); err == nil {
		t.Fatal("unknown supplier accepted")
	}
}
