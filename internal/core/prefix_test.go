package core_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// A pulsa variant of an operator in the prefix table sells only to that operator's numbers: any
// other number is refused before money is held; numbers in +62/62 form count; a destination that
// is no number, and products of no operator, are not checked; the operator edits the table.
func TestPrefixRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		b := setup(t, be, 0)
		if err := b.svc.SaveCatalog(ctx, []catalog.Product{{Code: "tsel", Name: "Telkomsel", Brand: "Telkomsel", Active: true}},
			[]catalog.Variant{{ProductCode: "tsel", Code: "S10", Name: "10.000", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 10_500}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, 100_000, "test"); err != nil {
			t.Fatal(err)
		}
		place := func(ref, code, dest string) error {
			_, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: code, Reference: ref, Destination: dest})
			return err
		}
		avail := func() int64 {
			v, err := b.db.Balance(ctx, ledger.AvailableCode(b.cr.Reseller.ID))
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		before := avail()
		for i, dest := range []string{"085712345678", "+6285712345678", "0899", "08881234567", "0217654321"} {
			if err := place("bad"+string(rune('a'+i)), "S10", dest); !errors.Is(err, catalog.ErrWrongOperator) {
				t.Errorf("%s to a Telkomsel variant: %v", dest, err)
			}
		}
		if avail() != before {
			t.Fatalf("refusals moved money: %d -> %d", before, avail())
		}
		for i, dest := range []string{"081234567890", "+6281234567890", "6285212345678", "0812-3456-7890"} {
			if err := place("ok"+string(rune('a'+i)), "S10", dest); err != nil {
				t.Errorf("%s: %v", dest, err)
			}
		}
		// No number at all: left to the supplier. A game: no operator.
		if err := place("dot", "S10", "budi.santoso"); err != nil {
			t.Errorf("account name: %v", err)
		}
		if err := place("game", "MLBB_ID_5", "0857123"); err != nil {
			t.Errorf("game product: %v", err)
		}
		// The operator edits the table: 0857 becomes Telkomsel's (say, a ported range).
		if err := b.svc.SetOperatorPrefix(ctx, "0857", "telkomsel"); err != nil {
			t.Fatal(err)
		}
		if err := place("ported", "S10", "085712345678"); err != nil {
			t.Errorf("after the edit: %v", err)
		}
		if err := b.svc.RemoveOperatorPrefix(ctx, "0857"); err != nil {
			t.Fatal(err)
		}
		if err := place("removed", "S10", "085712345678"); !errors.Is(err, catalog.ErrWrongOperator) {
			t.Errorf("after the removal: %v", err)
		}
		for _, bad := range [][2]string{{"812", "TELKOMSEL"}, {"08a2", "TELKOMSEL"}, {"0812345", "TELKOMSEL"}, {"0812", ""}, {"0812", "!!"}} {
			if err := b.svc.SetOperatorPrefix(ctx, bad[0], bad[1]); err == nil {
				t.Errorf("prefix %q operator %q accepted", bad[0], bad[1])
			}
		}
		rows, err := b.svc.OperatorPrefixes(ctx)
		if err != nil || len(rows) < 30 {
			t.Fatalf("prefix table: %d rows %v", len(rows), err)
		}
		b.checkLedger(t)
	})
}
