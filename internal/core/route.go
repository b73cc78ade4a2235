package core

import (
	"context"
	"errors"

	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/supplier"
)

// Candidate is one supplier that can fulfil an order, with its own product code and cost.
type Candidate struct {
	// Supplier is what the order's purchase is sent to: a router may wrap the connector in a
	// circuit breaker, metrics and a gate.
	Supplier supplier.Supplier
	// Upstream, if set, is the connector beneath Supplier's wrappers: what it can do besides
	// buying (look a bill up) is asked of it, since an inquiry charges nothing and need not pass
	// the breaker. Nil means Supplier itself.
	Upstream supplier.Supplier
	SKU      string
	Cost     int64
}

// Connector is the supplier c's optional capabilities are asked of: Upstream, else Supplier.
func (c Candidate) Connector() supplier.Supplier {
	if c.Upstream != nil {
		return c.Upstream
	}
	return c.Supplier
}

// ErrNoRouter is New's answer to a Config without a Router: the core imports no connector, so
// it has no supplier of its own to fall back on (internal/upstream/simroute is the simulator's).
var ErrNoRouter = errors.New("core: no router")

// Router chooses suppliers for orders.
type Router interface {
	// Candidates lists who may fulfil o, in order of preference. A definite failure at one
	// moves the order to the next.
	Candidates(ctx context.Context, o *order.Order) ([]Candidate, error)
	// Supplier finds a supplier by name, to ask after an earlier attempt's status. ctx bounds
	// the registry read it may need.
	Supplier(ctx context.Context, name string) (supplier.Supplier, bool)
	// Testing is the supplier for orders placed with testing on: no money, no real purchase.
	Testing() supplier.Supplier
}
