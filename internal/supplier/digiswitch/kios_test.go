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
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier/connect"
	"github.com/kios-h2h/kios/internal/supplier/pull"
	"github.com/kios-h2h/kios/internal/supplier/route"
)

// TestSyncFromKios syncs one Kios's catalog from another over the Digiswitch dialect: both the
// prepaid and the postpaid ("pasca") price lists, in one sync.
func TestSyncFromKios(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	up, err := core.New(ctx, storetest.Backends()[0].Open(t), core.Config{Logger: log, Router: core.SimulatorRouter(0)})
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
