package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
)

// AlertLateDelivery: a supplier reported a success for an order Kios had already refunded (an
// operator failed it by hand while the purchase was open, or every attempt had been reported
// failed). The goods were bought: the cost is posted, the order flagged late_delivery, and an
// operator must either give the buyer the SN by hand or charge the reseller again.
const AlertLateDelivery = "late_delivery"

// ErrAttemptOpen is returned (inside an *OpenAttemptError) when an order is resolved by hand while
// one of its upstream attempts may still be bought.
var ErrAttemptOpen = errors.New("an upstream attempt is still open")

// OpenAttemptError is ResolveOrder's refusal to settle an order whose purchase is still open
// upstream (sent, pending or unknown): the supplier may still deliver it. The operator confirms
// with Resolution.Force.
type OpenAttemptError struct {
	Invoice string
	Attempt order.Attempt
}

func (e *OpenAttemptError) Error() string {
	return fmt.Sprintf("order %s has an upstream attempt still open (%s at %s, %s): the supplier may still deliver it; resolve with force to settle it anyway, the attempt is still asked after",
		e.Invoice, e.Attempt.Reference, e.Attempt.Supplier, e.Attempt.State)
}

func (e *OpenAttemptError) Unwrap() error { return ErrAttemptOpen }

// LateDelivery is an order a supplier delivered after Kios had refunded it: what the operator must
// recover (give the SN to the buyer by hand, or charge the reseller again).
type LateDelivery struct {
	Order     *order.Order
	Reseller  string
	Attempt   *order.Attempt // the attempt that delivered (nil if not found)
	Detail    string
	FlaggedAt time.Time
}

// LateDeliveries lists the orders flagged late_delivery, newest first.
func (s *Service) LateDeliveries(ctx context.Context) ([]LateDelivery, error) {
	flags, err := s.db.FlaggedOrders(ctx, store.FlagLateDelivery)
	if err != nil {
		return nil, err
	}
	out := make([]LateDelivery, 0, len(flags))
	for _, f := range flags {
		o, err := s.db.OrderByID(ctx, f.OrderID)
		if err != nil {
			return nil, err
		}
		ld := LateDelivery{Order: o, Detail: f.Detail, FlaggedAt: f.CreatedAt}
		if r, err := s.db.ResellerByID(ctx, o.ResellerID); err == nil {
			ld.Reseller = r.Username
		}
		atts, err := s.db.Attempts(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		for i := len(atts) - 1; i >= 0; i-- {
			if atts[i].State == "success" {
				ld.Attempt = &atts[i]
				break
			}
		}
		out = append(out, ld)
	}
	return out, nil
}
