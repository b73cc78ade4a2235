package core

import (
	"context"
	"errors"
	"fmt"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
)

// afterSettle runs in the settling transaction once an order has become final: it books what
// the supplier charged, and queues the callback to the reseller. Both land with the capture or
// the refund, or not at all.
func (s *Service) afterSettle(ctx context.Context, tx *store.Tx, o *order.Order, att *store.Attempt, status order.Status, cost int64) error {
	if status == order.Success && !o.Testing && cost > 0 && att != nil {
		if err := s.postCost(ctx, tx, o, att.Supplier, cost); err != nil {
			return err
		}
	}
	if o.Dialect == DialectText {
		// The text channel pushes the final answer on the chat the order came from.
		if err := tx.JobInsert(ctx, store.JobTextFinal, o.ID, s.now()); err != nil {
			return err
		}
	}
	return s.queueCallback(ctx, tx, o)
}

// DialectText marks orders placed through the text channels (Telegram, Jabber, WhatsApp).
const DialectText = "text"

// postCost moves cost from Kios's deposit at the supplier to the cost account, so that revenue
// less cost is the margin. A supplier missing from the registry (the built-in simulator, which
// charges nothing) has no deposit to book against.
func (s *Service) postCost(ctx context.Context, tx *store.Tx, o *order.Order, supplierName string, cost int64) error {
	sup, err := tx.SupplierByName(ctx, supplierName)
	if errors.Is(err, store.ErrSupplierNotFound) {
		s.log.Warn("cost not booked: supplier not registered", "invoice", o.Invoice, "supplier", supplierName, "cost", cost)
		return nil
	}
	if err != nil {
		return err
	}
	acct, err := tx.AccountID(ctx, ledger.SupplierCode(sup.ID))
	if errors.Is(err, store.ErrNotFound) {
		acct, err = tx.SystemAccountEnsure(ctx, ledger.SupplierCode(sup.ID), ledger.SupplierDeposit)
	}
	if err != nil {
		return err
	}
	return tx.Transfer(ctx, "order:"+o.Invoice+":cost", acct, s.sys.cost, cost, "cost "+o.Invoice+" at "+supplierName)
}

// bookableCost is the cost to record for an order: what the supplier said, unless that is outside
// what the ledger can hold (a bug upstream), in which case nothing is booked rather than leave the
// order unable to settle.
func (s *Service) bookableCost(o *order.Order, cost int64) int64 {
	if cost < 0 || cost > ledger.MaxAmount {
		s.log.Warn("supplier cost out of range; not booked", "invoice", o.Invoice, "cost", cost)
		return 0
	}
	return cost
}

// queueCallback queues the delivery of a final order to its reseller's callback URL (the
// order's own, else the reseller's), if there is one.
func (s *Service) queueCallback(ctx context.Context, tx *store.Tx, o *order.Order) error {
	if o.CallbackURL == "" {
		url, err := tx.ResellerCallbackURL(ctx, o.ResellerID)
		if err != nil {
			return fmt.Errorf("callback of %s: %w", o.Invoice, err)
		}
		if url == "" {
			return nil
		}
	}
	return tx.JobInsert(ctx, store.JobCallback, o.ID, s.now())
}

// billAttempt finds the latest attempt at supplierName to pay the bill inquired there under ref
// (store.ErrNotFound when there is none).
func (s *Service) billAttempt(ctx context.Context, supplierName, ref string) (*store.Attempt, error) {
	o, err := s.db.OrderByBillRef(ctx, supplierName, ref)
	if errors.Is(err, order.ErrNotFound) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	atts, err := s.db.Attempts(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	for i := len(atts) - 1; i >= 0; i-- {
		if atts[i].Supplier == supplierName {
			return &atts[i], nil
		}
	}
	return nil, store.ErrNotFound
}

// ErrUnknownReference is returned by ResolveAttempt for a reference Kios never sent.
var ErrUnknownReference = errors.New("no attempt with that reference")

// ResolveAttempt applies an outcome a supplier pushed to us (its callback) for the attempt with
// our reference ref, exactly as if a Status poll had answered it: a final answer settles the
// order at once instead of at the next poll. A callback that comes before the order call has
// even answered, or twice, or after a poll already settled the order, changes nothing more:
// settlement happens once. Every record is a compare-and-set on the attempt's state as read
// here, so a poll's answer recorded meanwhile is never overwritten (nor this one by the poll's).
//
// A success for an order already final is recorded all the same: on an order refunded (by hand,
// or because every attempt was reported failed) it is a late delivery (lateInTx). supplierName
// must be the attempt's supplier.
func (s *Service) ResolveAttempt(ctx context.Context, supplierName, ref string, res supplier.Result) error {
	att, err := s.db.AttemptByReference(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		// A bill is paid upstream under its inquiry's reference, not its attempt's.
		att, err = s.billAttempt(ctx, supplierName, ref)
	}
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s: %w", ref, ErrUnknownReference)
	}
	if err != nil {
		return err
	}
	ref = att.Reference
	if att.Supplier != supplierName {
		return fmt.Errorf("%s belongs to supplier %s, not %s: %w", ref, att.Supplier, supplierName, ErrUnknownReference)
	}
	o, err := s.db.OrderByID(ctx, att.OrderID)
	if err != nil {
		return err
	}
	from := att.State
	if from == "success" || (from == "failed" && (res.State != supplier.Success || o.Status != order.Failed)) {
		// Already decided: a repeated or contradicting callback changes nothing (the first final
		// outcome stands), except a success for an order Kios refunded, below.
		return nil
	}
	if res.UpstreamRef != "" {
		att.UpstreamRef = res.UpstreamRef
	}
	switch res.State {
	case supplier.Success, supplier.Failed:
	default:
		// Pending news: note it; the poll goes on.
		att.Message, att.Raw = res.Message, res.Raw
		return s.inReseller(ctx, o.ResellerID, func(tx *store.Tx) error {
			_, err := tx.AttemptUpdateFrom(ctx, att, from)
			return err
		})
	}
	if o.Status.Final() {
		_, err := s.recordLate(ctx, nil, o, att, from, res)
		return err
	}
	if res.State == supplier.Failed {
		// A definite refusal may still move the order to another supplier: let the worker decide
		// on its next pass, now.
		att.State, att.Message, att.Raw = "failed", res.Message, res.Raw
		return s.inReseller(ctx, o.ResellerID, func(tx *store.Tx) error {
			if ok, err := tx.AttemptUpdateFrom(ctx, att, from); err != nil || !ok {
				return err
			}
			return tx.JobRunNow(ctx, store.JobFulfil, o.ID)
		})
	}
	if wait, err := s.waitForSN(ctx, o, att, res); err != nil || wait {
		if err != nil {
			return err
		}
		// A success without the SN the product needs: noted as pending; the worker's polls go on
		// until the SN comes or SNWait has passed.
		p := snPending(res)
		att.State, att.Message, att.Raw = string(p.State), p.Message, p.Raw
		return s.inReseller(ctx, o.ResellerID, func(tx *store.Tx) error {
			_, err := tx.AttemptUpdateFrom(ctx, att, from)
			return err
		})
	}
	limit, err := s.maxPrice(ctx, o)
	if err != nil {
		return err
	}
	known := att.Cost
	cost := res.Cost
	if cost == 0 {
		cost = att.Cost
	}
	cost = s.bookableCost(o, cost)
	att.State, att.SN, att.Message, att.Raw, att.Cost = string(res.State), res.SN, res.Message, res.Raw, cost
	msg := res.Message
	if msg == "" {
		msg = "Transaksi sukses"
	}
	var recorded, settled, over, noSN bool
	var late lateOutcome
	err = s.inReseller(ctx, o.ResellerID, func(tx *store.Tx) error {
		recorded, settled, over, noSN, late = false, false, false, false, lateOutcome{}
		var err error
		if recorded, err = tx.AttemptUpdateFrom(ctx, att, from); err != nil || !recorded {
			return err
		}
		if settled, err = s.settle(ctx, tx, o, order.Success, res.SN, msg, cost); err != nil {
			return err
		}
		if !settled {
			// Resolved by hand since it was read: a late delivery.
			if late, err = s.lateInTx(ctx, tx, o, att); err != nil {
				return err
			}
			return closeIfDone(ctx, tx, o.ID)
		}
		if err := s.afterSettle(ctx, tx, o, att, order.Success, cost); err != nil {
			return err
		}
		if over, err = s.overLimit(ctx, tx, o, limit, cost); err != nil {
			return err
		}
		if noSN, err = s.noSN(ctx, tx, o, att, res.SN); err != nil {
			return err
		}
		return tx.JobDeleteForOrder(ctx, o.ID, store.JobFulfil)
	})
	if err != nil {
		return fmt.Errorf("resolve %s: %w", ref, err)
	}
	if !recorded {
		return nil
	}
	if over {
		s.alertOverLimit(o, att, limit, cost)
	}
	if noSN {
		s.alertNoSN(o, att)
	}
	s.checkAnswer(ctx, o, att, known, res)
	if settled {
		s.log.Info("order final by supplier callback", "invoice", o.Invoice, "supplier", supplierName, "sn", res.SN)
	} else {
		s.reportLate(o, att, late)
	}
	s.wake()
	return nil
}
