package core

import (
	"context"
	"time"

	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/simulator"
)

// Candidate is one supplier that can fulfil an order, with its own product code and cost.
type Candidate struct {
	Supplier supplier.Supplier
	SKU      string
	Cost     int64
}

// Router chooses suppliers for orders.
type Router interface {
	// Candidates lists who may fulfil o, in order of preference. A definite failure at one
	// moves the order to the next.
	Candidates(ctx context.Context, o *order.Order) ([]Candidate, error)
	// Supplier finds a supplier by name, to ask after an earlier attempt's status.
	Supplier(name string) (supplier.Supplier, bool)
	// Testing is the supplier for orders placed with testing on: no money, no real purchase.
	Testing() supplier.Supplier
}

type simRouter struct{ sim simulator.Starting }

// SimulatorRouter routes every order to the built-in simulator, whose purchases take delay.
// Its purchases are started (supplier.Starter): one in flight holds no goroutine.
func SimulatorRouter(delay time.Duration) Router {
	return simRouter{sim: simulator.New(delay).Starting()}
}

func (r simRouter) Candidates(_ context.Context, o *order.Order) ([]Candidate, error) {
	return []Candidate{{Supplier: r.sim, SKU: o.VariantCode}}, nil
}

func (r simRouter) Supplier(name string) (supplier.Supplier, bool) {
	if name == r.sim.Name() {
		return r.sim, true
	}
	return nil, false
}

func (r simRouter) Testing() supplier.Supplier { return r.sim }
