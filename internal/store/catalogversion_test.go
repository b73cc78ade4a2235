package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestCatalogVersion: a committed catalog change moves the version, before Batch returns; other
// writes and a batch that did not commit do not.
func TestCatalogVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		v0 := db.CatalogVersion()
		p := catalog.Product{Code: "game", Name: "Game", Active: true}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.ProductUpsert(ctx, &p) }); err != nil {
			t.Fatal(err)
		}
		v1 := db.CatalogVersion()
		if v1 == v0 {
			t.Fatal("a product upsert did not move the catalog version")
		}
		if err := db.Batch(ctx, func(tx *store.Tx) error {
			_, err := tx.SystemAccountEnsure(ctx, "revenue", "revenue")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if db.CatalogVersion() != v1 {
			t.Error("a write outside the catalog moved the catalog version")
		}
		// A lone caller that fails rolls the transaction back: nothing committed, nothing moved.
		boom := errors.New("boom")
		if err := db.Batch(ctx, func(tx *store.Tx) error {
			if err := tx.ProductSetActive(ctx, "game", false); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if db.CatalogVersion() != v1 {
			t.Error("a rolled-back catalog change moved the catalog version")
		}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.ProductSetActive(ctx, "game", false) }); err != nil {
			t.Fatal(err)
		}
		if db.CatalogVersion() == v1 {
			t.Error("switching a product off did not move the catalog version")
		}
	})
}
