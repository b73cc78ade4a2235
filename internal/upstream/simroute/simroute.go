// Package simroute routes every order to the built-in simulator (internal/supplier/simulator):
// the router of a demo, a benchmark, a command that buys nothing, and most tests. It lives above
// the core, not in it, so that the core imports no connector (issue 16 item 2).
package simroute

import (
	"context"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/simulator"
)

// Router routes every order to one simulator.
type Router struct{ sim simulator.Starting }

// New returns a Router whose simulator's purchases take delay. Its purchases are started
// (supplier.Starter): one in flight holds no goroutine.
func New(delay time.Duration) Router {
	return Router{sim: simulator.New(delay).Starting()}
}

// Candidates is the simulator, with the variant's own code.
func (r Router) Candidates(_ context.Context, o *order.Order) ([]core.Candidate, error) {
	return []core.Candidate{{Supplier: r.sim, SKU: o.VariantCode}}, nil
}

// Supplier is the simulator when name is its name.
func (r Router) Supplier(_ context.Context, name string) (supplier.Supplier, bool) {
	if name == r.sim.Name() {
		return r.sim, true
	}
	return nil, false
}

// Testing is the simulator.
func (r Router) Testing() supplier.Supplier { return r.sim }

var _ core.Router = Router{}
