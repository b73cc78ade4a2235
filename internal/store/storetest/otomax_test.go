package storetest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kios-h2h/kios/internal/keyring"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// Migration 00200: kind otomax with its reply patterns (SQLite rebuilds the suppliers table: the
// products that reference a supplier must still find it), and resellers' Otomax PINs, sealed.
func TestOtomaxStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		sup := &store.Supplier{Name: "pusat", Kind: store.KindOtomax, BaseURL: "http://center.test", Token: "1234", Username: "M01",
			APIKey: "rahasia", Enabled: true, ReplyPatterns: `{"success":["OK"]}`}
		write(t, db, func(tx *store.Tx) error { return tx.SupplierInsert(ctx, sup) })
		write(t, db, func(tx *store.Tx) error {
			_, err := tx.SupplierProductUpsert(ctx, &store.SupplierProduct{SupplierID: sup.ID, Code: "S5", Name: "Simpati 5", Cost: 5100, Active: true})
			return err
		})
		got, err := db.SupplierByName(ctx, "pusat")
		if err != nil || got.Kind != store.KindOtomax || got.Token != "1234" || got.APIKey != "rahasia" || got.ReplyPatterns != `{"success":["OK"]}` {
			t.Fatalf("otomax supplier read back: %+v %v", got, err)
		}
		write(t, db, func(tx *store.Tx) error { return tx.SupplierSetReplyPatterns(ctx, "pusat", "") })
		if got, _ := db.SupplierByName(ctx, "pusat"); got.ReplyPatterns != "" || !got.UpdatedAt.After(got.CreatedAt) && !got.UpdatedAt.Equal(got.CreatedAt) {
			t.Fatalf("patterns after reset: %+v", got)
		}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.SupplierSetReplyPatterns(ctx, "nobody", "") }); !errors.Is(err, store.ErrSupplierNotFound) {
			t.Fatalf("patterns of an unknown supplier: %v", err)
		}
		if ps, err := db.SupplierProducts(ctx, sup.ID); err != nil || len(ps) != 1 {
			t.Fatalf("products after the rebuild: %v %v", ps, err)
		}

		alice := newReseller(t, db, "alice")
		if _, err := db.OtomaxMember(ctx, alice.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("member before any PIN: %v", err)
		}
		write(t, db, func(tx *store.Tx) error {
			return tx.OtomaxMemberPut(ctx, store.OtomaxMember{ResellerID: alice.ID, PIN: "4321"})
		})
		write(t, db, func(tx *store.Tx) error {
			return tx.OtomaxMemberPut(ctx, store.OtomaxMember{ResellerID: alice.ID, PIN: "9876", Plain: true})
		})
		m, err := db.OtomaxMember(ctx, alice.ID)
		if err != nil || m.PIN != "9876" || !m.Plain {
			t.Fatalf("member: %+v %v", m, err)
		}
		var raw string
		if err := db.Writer().QueryRowContext(ctx, `SELECT pin FROM reseller_otomax`).Scan(&raw); err != nil || !keyring.Sealed(raw) {
			t.Fatalf("pin stored %q (%v), want sealed", raw, err)
		}
		var had bool
		write(t, db, func(tx *store.Tx) error {
			var err error
			had, err = tx.OtomaxMemberRemove(ctx, alice.ID)
			return err
		})
		if _, err := db.OtomaxMember(ctx, alice.ID); !had || !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after remove (had %v): %v", had, err)
		}
	})
}
