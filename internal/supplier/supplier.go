// Package supplier defines how Kios buys from upstream: the Supplier interface that every
// connector (the built-in simulator, and clients of each dialect) implements, and the outcome
// types that tell a definite answer from an unknown one.
//
// The one rule every connector and caller keeps: after a Purchase whose outcome is unknown (a
// timeout after sending, a reset connection, a 5xx, an unparseable body), the same reference is
// never bought again anywhere; Kios asks the same supplier for its Status until the answer is
// definite. That is how a product is never bought twice.
package supplier

import (
	"context"
	"errors"
	"time"
)

// State of an upstream purchase.
type State string

const (
	Success State = "success"
	Failed  State = "failed"  // a definite refusal: nothing was bought, another supplier may be tried
	Pending State = "pending" // accepted upstream, not final yet: ask Status later
	Unknown State = "unknown" // the outcome could not be learnt: ask Status later, never re-buy
)

// Request is one purchase as sent upstream.
type Request struct {
	Reference   string // Kios's own reference upstream (unique per attempt)
	SKU         string // the supplier's product code
	Destination string
	MaxPrice    int64     // 0: no limit
	SentAt      time.Time // when the attempt was first recorded
}

// Result is what a supplier answered.
type Result struct {
	State   State
	SN      string
	Cost    int64 // what the supplier charged, when it says
	Message string
	Raw     string // the upstream answer, kept with the order for support
}

// Supplier is an upstream seller.
type Supplier interface {
	// Name identifies the supplier in logs and records.
	Name() string
	// Purchase buys. A returned error means the outcome is unknown (State Unknown is implied).
	Purchase(ctx context.Context, req Request) (Result, error)
	// Status asks for the outcome of an earlier Purchase of the same Request (same Reference).
	Status(ctx context.Context, req Request) (Result, error)
}

// ErrUnknownOutcome marks an error after which a purchase may or may not have happened.
var ErrUnknownOutcome = errors.New("upstream outcome unknown")
