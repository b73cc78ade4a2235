package simroute_test

import (
	"context"
	"testing"

	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// Every order goes to the one simulator, under the variant's own code; the simulator is found by
// its name (a settled attempt's supplier) and by no other, and is the testing supplier too.
func TestRoutesEverythingToTheSimulator(t *testing.T) {
	ctx := context.Background()
	r := simroute.New(0)
	cands, err := r.Candidates(ctx, &order.Order{VariantCode: "MLBB_ID_5"})
	if err != nil || len(cands) != 1 {
		t.Fatalf("candidates: %+v %v", cands, err)
	}
	c := cands[0]
	if c.SKU != "MLBB_ID_5" || c.Supplier == nil {
		t.Fatalf("candidate %+v", c)
	}
	if s, ok := r.Supplier(ctx, c.Supplier.Name()); !ok || s.Name() != c.Supplier.Name() {
		t.Fatalf("supplier by its name: %v %v", s, ok)
	}
	if _, ok := r.Supplier(ctx, c.Supplier.Name()+"-other"); ok {
		t.Fatal("another name found the simulator")
	}
	if r.Testing() == nil || r.Testing().Name() != c.Supplier.Name() {
		t.Fatalf("testing supplier %v", r.Testing())
	}
}
