package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
)

// ErrOrderFinal is returned when an order asked to be settled by hand is no longer Pending.
var ErrOrderFinal = errors.New("order is already final")

// Resolution is an operator settling a Pending order by hand: Success with the SN the supplier
// gave out of band, or Failed with the price refunded.
type Resolution struct {
	Invoice string
	Status  order.Status // order.Success or order.Failed
	SN      string       // required for Success
	Message string       // optional; a default is used when empty
	Actor   string       // who, for the audit log
	IP      string       // where from, for the audit log
	// Force settles the order although an upstream attempt is still open (sent, pending or
	// unknown); without it ResolveOrder refuses with an *OpenAttemptError. The open attempt keeps
	// being asked after: a late success is recorded, its cost posted and, on a Failed order,
	// flagged late_delivery.
	Force bool
}

// OrderSnapshot is the part of an order the audit log keeps before and after a change.
type OrderSnapshot struct {
	Invoice string `json:"invoice"`
	Status  string `json:"status"`
	SN      string `json:"sn"`
	Message string `json:"message"`
	Price   int64  `json:"price"`
	Cost    int64  `json:"cost"`
	// OpenAttempt, after a forced resolution, is the reference of the attempt still asked after.
	OpenAttempt string `json:"open_attempt,omitempty"`
}

func snapshotOf(o *order.Order) string {
	return snapshotWith(o, "")
}

func snapshotWith(o *order.Order, open string) string {
	b, _ := json.Marshal(OrderSnapshot{Invoice: o.Invoice, Status: string(o.Status), SN: o.SN, Message: o.Message, Price: o.Price, Cost: o.Cost,
		OpenAttempt: open})
	return string(b)
}

// ResolveOrder settles a Pending order by hand. The money moves exactly as an automatic
// settlement would (Success captures the hold, Failed releases it and gives back stock and the
// multi slot), and in the same transaction the order's fulfilment job is removed and an audit row
// written. A worker still busy with the order finds it final and settles nothing.
//
// While an upstream attempt is still open the supplier may yet deliver: without r.Force the
// order is left alone and an *OpenAttemptError (ErrAttemptOpen) names the attempt. Forced, the
// order is settled and its job kept, so the attempt goes on being asked after (and callbacks
// still land): a late success is recorded, never lost.
func (s *Service) ResolveOrder(ctx context.Context, r Resolution) (*order.Order, error) {
	r.SN = strings.TrimSpace(r.SN)
	switch r.Status {
	case order.Success:
		if r.SN == "" {
			return nil, &FieldError{"sn", "is required to mark an order successful"}
		}
	case order.Failed:
	default:
		return nil, &FieldError{"status", "must be Success or Failed"}
	}
	if r.Actor == "" {
		return nil, &FieldError{"actor", "is required"}
	}
	msg := finalMessage(r.Status, strings.TrimSpace(r.Message))
	// An unknown invoice is answered from the read pool without taking the writer.
	pre, err := s.db.OrderByInvoice(ctx, 0, r.Invoice)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", r.Invoice, err)
	}
	var after *order.Order
	// The reseller's lock domain, as for every settlement of its orders.
	err = s.inOrder(ctx, pre, func(tx *store.Tx) error {
		after = nil
		o, err := tx.OrderByInvoice(ctx, 0, r.Invoice)
		if err != nil {
			return err
		}
		if o.Status.Final() {
			return ErrOrderFinal
		}
		atts, err := tx.Attempts(ctx, o.ID)
		if err != nil {
			return err
		}
		open := lastOpen(atts)
		if open != nil && !r.Force {
			return &OpenAttemptError{Invoice: o.Invoice, Attempt: *open}
		}
		out := outcome{status: r.Status, sn: r.SN, msg: msg, byHand: true}
		if r.Status == order.Success {
			if out.att, err = openAttempt(ctx, tx, o.ID); err != nil {
				return err
			}
			if out.att != nil {
				out.cost = s.bookableCost(o, out.att.Cost)
			}
		}
		// Cost booked against the supplier that delivered, and the reseller called back, as for
		// any settlement.
		st, err := s.settleOrder(ctx, tx, o, out)
		if err != nil {
			return err
		}
		if !st.settled {
			return ErrOrderFinal
		}
		var openRef string
		if open == nil {
			if err := tx.JobDeleteForOrder(ctx, o.ID, store.JobFulfil); err != nil {
				return err
			}
		} else {
			// The job stays, to go on asking after the open attempt (the worker buys nothing for a
			// final order).
			openRef = open.Reference
		}
		if after, err = tx.OrderByID(ctx, o.ID); err != nil {
			return err
		}
		return tx.AuditInsert(ctx, &store.AuditEntry{Actor: r.Actor, Action: "order.resolve", Target: o.Invoice,
			Before: snapshotOf(o), After: snapshotWith(after, openRef), IP: r.IP})
	})
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", r.Invoice, err)
	}
	s.log.Info("order resolved by hand", "invoice", after.Invoice, "status", after.Status, "sn", after.SN, "actor", r.Actor)
	s.told(after.Invoice, after.Status)
	return after, nil
}

// openAttempt is the order's latest attempt not known to have failed (nil if none): when an
// operator confirms a success, that is the purchase that delivered.
func openAttempt(ctx context.Context, q interface {
	Attempts(context.Context, int64) ([]store.Attempt, error)
}, orderID int64) (*store.Attempt, error) {
	atts, err := q.Attempts(ctx, orderID)
	if err != nil {
		return nil, err
	}
	for i := len(atts) - 1; i >= 0; i-- {
		if atts[i].State != "failed" {
			return &atts[i], nil
		}
	}
	return nil, nil
}
