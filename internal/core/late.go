package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
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
	Attempt store.Attempt
}

func (e *OpenAttemptError) Error() string {
	return fmt.Sprintf("order %s has an upstream attempt still open (%s at %s, %s): the supplier may still deliver it; resolve with force to settle it anyway, the attempt is still asked after",
		e.Invoice, e.Attempt.Reference, e.Attempt.Supplier, e.Attempt.State)
}

func (e *OpenAttemptError) Unwrap() error { return ErrAttemptOpen }

// lastOpen is the latest of atts that may still be bought upstream, or nil.
func lastOpen(atts []store.Attempt) *store.Attempt {
	for i := len(atts) - 1; i >= 0; i-- {
		if store.AttemptOpen(atts[i].State) {
			return &atts[i]
		}
	}
	return nil
}

// closeIfDone removes the order's fulfilment job once a final order has no attempt left open:
// nothing remains to ask. An order still Pending keeps its job (the worker decides what next).
func closeIfDone(ctx context.Context, tx *store.Tx, orderID int64) error {
	cur, err := tx.OrderByID(ctx, orderID)
	if err != nil || !cur.Status.Final() {
		return err
	}
	atts, err := tx.Attempts(ctx, orderID)
	if err != nil || lastOpen(atts) != nil {
		return err
	}
	return tx.JobDeleteForOrder(ctx, orderID, store.JobFulfil)
}

// lateOutcome is what recording a supplier's success for an order already final did.
type lateOutcome struct {
	flagged bool  // a new late_delivery flag: alert
	again   bool  // a further late success on an order flagged already: cost not posted
	cost    int64 // the cost posted
	status  order.Status
}

// lateInTx records, inside the transaction that recorded att's success, what that success means
// for an order that was final already. A Failed order was refunded while its goods were bought:
// the cost is posted (the money is spent upstream), recorded as the order's cost, and the order
// flagged late_delivery; it stays Failed, for the buyer's money was given back. A Success order
// (resolved by hand with the supplier's SN) needs nothing more: its cost was posted then. A
// second late success on the same order posts nothing (one cost posting per order) and is only
// reported.
func (s *Service) lateInTx(ctx context.Context, tx *store.Tx, o *order.Order, att *store.Attempt) (lateOutcome, error) {
	cur, err := tx.OrderByID(ctx, o.ID)
	if err != nil {
		return lateOutcome{}, err
	}
	out := lateOutcome{status: cur.Status}
	if cur.Status != order.Failed || cur.Testing {
		return out, nil
	}
	detail := fmt.Sprintf("%s delivered %s (SN %q) at cost %d after the order was refunded", att.Supplier, att.Reference, att.SN, att.Cost)
	if out.flagged, err = tx.OrderFlagSet(ctx, o.ID, store.FlagLateDelivery, detail); err != nil || !out.flagged {
		out.again = err == nil
		return out, err
	}
	if att.Cost > 0 {
		if err := s.postCost(ctx, tx, cur, att.Supplier, att.Cost); err != nil {
			return out, err
		}
		if err := tx.OrderLateCost(ctx, o.ID, att.Cost); err != nil {
			return out, err
		}
		out.cost = att.Cost
	}
	return out, nil
}

// reportLate logs (and alerts) what lateInTx did, after its commit.
func (s *Service) reportLate(o *order.Order, att *store.Attempt, out lateOutcome) {
	switch {
	case out.flagged:
		s.alert(AlertLateDelivery, "supplier delivered an order already refunded; the cost is posted: deliver the SN to the buyer by hand or charge again",
			"invoice", o.Invoice, "supplier", att.Supplier, "attempt", att.Reference, "sn", att.SN, "cost", out.cost)
	case out.again:
		s.log.Error("another late delivery for an order flagged late_delivery already; cost not posted, recover it by hand",
			"invoice", o.Invoice, "supplier", att.Supplier, "attempt", att.Reference, "sn", att.SN, "cost", att.Cost)
	case out.status == order.Success:
		s.log.Info("supplier confirmed an order settled by hand", "invoice", o.Invoice, "supplier", att.Supplier, "attempt", att.Reference, "sn", att.SN)
	}
}

// recordLate records a supplier's final answer res for attempt att (read in state from) of an order
// already final: a success goes through lateInTx; a failure only closes the attempt (an order
// resolved Success by hand whose purchase then failed upstream is logged for the operator: the
// SN given may be wrong). When j is not nil (the worker's job), the order's job goes once no
// attempt is open; it reports whether the answer was recorded (false: another writer decided the
// attempt first).
func (s *Service) recordLate(ctx context.Context, j *store.Job, o *order.Order, att *store.Attempt, from string, res supplier.Result) (bool, error) {
	att.State, att.Message, att.Raw = string(res.State), res.Message, res.Raw
	if res.UpstreamRef != "" {
		att.UpstreamRef = res.UpstreamRef
	}
	if res.State == supplier.Success {
		att.SN = res.SN
		if res.Cost != 0 {
			att.Cost = res.Cost
		}
		att.Cost = s.bookableCost(o, att.Cost)
	}
	var recorded bool
	var out lateOutcome
	err := s.inReseller(ctx, o.ResellerID, func(tx *store.Tx) error {
		recorded, out = false, lateOutcome{}
		ok, err := tx.AttemptUpdateFrom(ctx, att, from)
		if err != nil || !ok {
			return err
		}
		recorded = true
		if res.State == supplier.Success {
			if out, err = s.lateInTx(ctx, tx, o, att); err != nil {
				return err
			}
		} else if cur, err := tx.OrderByID(ctx, o.ID); err != nil {
			return err
		} else {
			out.status = cur.Status
		}
		return closeIfDone(ctx, tx, o.ID)
	})
	if err != nil {
		return false, fmt.Errorf("late answer for %s: %w", att.Reference, err)
	}
	if !recorded {
		return false, nil
	}
	if res.State == supplier.Success {
		s.reportLate(o, att, out)
	} else if out.status == order.Success {
		s.log.Error("supplier failed a purchase of an order resolved Success by hand; check the SN the buyer was given",
			"invoice", o.Invoice, "supplier", att.Supplier, "attempt", att.Reference, "message", res.Message)
	}
	return true, nil
}

// LateDelivery is an order a supplier delivered after Kios had refunded it: what the operator must
// recover (give the SN to the buyer by hand, or charge the reseller again).
type LateDelivery struct {
	Order     *order.Order
	Reseller  string
	Attempt   *store.Attempt // the attempt that delivered (nil if not found)
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
