package core_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// An order re-sent under the reference of an archived order is refused, not placed again: the
// live database no longer holds the order, and a Digiflazz-family status check is a re-sent
// transaction, so without the archived references it would be a second order, charged again
// (issue 22). The refusal moves no money; other references are placed as before.
func TestArchivedReferenceRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, 10000, "test"); err != nil {
			t.Fatal(err)
		}
		b.run(t)
		params := func(ref string) core.PlaceParams {
			return core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "MLBB_ID_5", Reference: ref, Destination: "12345678"}
		}
		refs := []string{"arc-1", "arc-2", "arc-3"}
		for _, ref := range refs {
			placed, err := b.svc.PlaceOrder(ctx, params(ref))
			if err != nil {
				t.Fatal(err)
			}
			b.waitFinal(t, placed.Order.Invoice)
		}
		if e, err := b.db.Epochs(ctx); err != nil || e.Archives != 0 {
			t.Fatalf("archives epoch before any archive: %+v %v", e, err)
		}
		res, err := b.db.Archive(ctx, store.ArchiveOptions{Cut: time.Now().Add(time.Hour), Drop: true, Target: store.DropArchive})
		if err != nil || res.Orders == 0 {
			t.Fatalf("archive: %+v %v", res, err)
		}
		if e, err := b.db.Epochs(ctx); err != nil || e.Archives == 0 {
			t.Fatalf("archives epoch after an archive: %+v %v", e, err)
		}
		var archived []string
		for _, ref := range refs {
			_, err := b.svc.OrderByReference(ctx, b.cr.Reseller.ID, ref)
			switch {
			case errors.Is(err, order.ErrNotFound):
				archived = append(archived, ref)
			case err != nil:
				t.Fatal(err)
			}
		}
		if len(archived) == 0 {
			t.Fatal("no order archived")
		}
		before, err := b.svc.Balance(ctx, b.cr.Reseller.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range archived {
			if _, err := b.svc.PlaceOrder(ctx, params(ref)); !errors.Is(err, order.ErrReferenceArchived) {
				t.Fatalf("re-sent %s: %v, want ErrReferenceArchived", ref, err)
			}
			if _, err := b.svc.OrderByReference(ctx, b.cr.Reseller.ID, ref); !errors.Is(err, order.ErrNotFound) {
				t.Fatalf("re-sent %s made an order: %v", ref, err)
			}
		}
		if after, err := b.svc.Balance(ctx, b.cr.Reseller.ID); err != nil || after != before {
			t.Fatalf("balance %d after the refusals, want %d (%v)", after, before, err)
		}
		// Another reseller may use the same reference; this one a new reference.
		other, err := b.svc.CreateReseller(ctx, core.NewReseller{Name: "Other Shop"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Credit(ctx, other.Reseller.Username, 5000, "test"); err != nil {
			t.Fatal(err)
		}
		p := params(archived[0])
		p.Reseller = other.Reseller
		if placed, err := b.svc.PlaceOrder(ctx, p); err != nil || !placed.Created {
			t.Fatalf("another reseller's %s: %+v %v", archived[0], placed, err)
		}
		if placed, err := b.svc.PlaceOrder(ctx, params("arc-new")); err != nil || !placed.Created {
			t.Fatalf("a new reference: %+v %v", placed, err)
		}
		b.checkLedger(t)
	})
}
