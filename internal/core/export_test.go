package core

import (
	"context"

	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
)

// EpochMaxAge is epochMaxAge for the external tests: how long they wait for a change made through
// another handle to be seen.
const EpochMaxAge = epochMaxAge

// DB is the service's store, for the external tests that look at what the core wrote (the
// service itself hands its store to no one).
func (s *Service) DB() *store.DB { return s.db }

// SetInTx sets PlaceParams.inTx, the hook a channel runs in the accepting transaction, for the
// external tests of it (outside the core no caller holds a store transaction).
func (p *PlaceParams) SetInTx(fn func(ctx context.Context, tx *store.Tx, o *order.Order) error) {
	p.inTx = fn
}
