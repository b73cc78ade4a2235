package core

import (
	"context"
	"errors"

	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/supplier"
)

// Candidate is one supplier that can fulfil an order, with its own product code and cost.
type Candidate struct {
	Supplier supplier.Supplier
	SKU      string
	Cost     int64
}

// ErrNoRouter is New's answer to a Config without a Router: the core imports no connector, so
// it has no supplier of its own to fall back on (internal/upstream/simroute is the simulator's).
var ErrNoRouter = errors.New("core: no router")

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
