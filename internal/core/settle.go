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

// Settlement: how a Pending order becomes final, whichever way its outcome comes. Every path —
// the worker's answer (finish; a bill payment is an order like any other, and an order whose
// suppliers all refused, or whose SN never came within SNWait, ends there too), a supplier's
// callback (ResolveAttempt), an operator's resolution (ResolveOrder) — builds an outcome and
// hands it to settleOrder inside its transaction, in the order's reseller's lock domain
// (inReseller). A supplier's success for an order already final is a late delivery (lateInTx,
// recordLate). The state machine is drawn in docs/ARCHITECTURE.md.

// outcome is how an order is to end.
type outcome struct {
	status order.Status // order.Success or order.Failed
	sn     string
	msg    string // what the reseller is told (finalMessage fills the default)
	cost   int64  // what the supplier charged, bookable; 0 for a failure
	// att is the purchase that decided the order: nil when none did (no supplier left to try,
	// or resolved by hand without one).
	att *store.Attempt
	// limit is the order's max price: an upstream success above it is flagged over_limit.
	limit int64
	// byHand is an operator's resolution: it skips the over-limit and SN checks (the operator
	// gave the SN) and, on an order final already, records no late delivery (ErrOrderFinal).
	byHand bool
	// job, when not 0, is the fulfilment job whose answer this is: deleted with the order's
	// final status (one statement on PostgreSQL), whether or not the order was still Pending.
	job int64
}

// settlement is what settleOrder did, for the reports after its commit.
type settlement struct {
	settled bool        // the order was Pending and is final now
	over    bool        // a success above the order's limit, flagged over_limit: alert
	noSN    bool        // a success without the SN its product needs, flagged no_sn: alert
	late    lateOutcome // the order was final already and att delivered (upstream paths only)
}

// Final messages used when the supplier (or the operator) said nothing.
const (
	msgSuccess = "Transaksi sukses"
	msgFailed  = "Transaksi gagal"
)

// finalMessage is msg, or the default for status when msg is empty.
func finalMessage(status order.Status, msg string) string {
	switch {
	case msg != "":
		return msg
	case status == order.Success:
		return msgSuccess
	default:
		return msgFailed
	}
}

// answerCost is the cost to book for an upstream answer to att: what the answer says, else what
// the attempt was sent at, unless that is outside what the ledger can hold (bookableCost).
func (s *Service) answerCost(o *order.Order, att *store.Attempt, res supplier.Result) int64 {
	cost := res.Cost
	if cost == 0 {
		cost = att.Cost
	}
	return s.bookableCost(o, cost)
}

// answerOutcome is the outcome of a final upstream answer res (success or failure) to att (nil
// when no supplier was left to try), with att updated to record it.
func (s *Service) answerOutcome(o *order.Order, att *store.Attempt, limit int64, res supplier.Result) outcome {
	out := outcome{status: order.Failed, sn: res.SN, cost: res.Cost, att: att, limit: limit}
	if res.State == supplier.Success {
		out.status = order.Success
	}
	out.msg = finalMessage(out.status, res.Message)
	if att != nil {
		out.cost = s.answerCost(o, att, res)
		att.State, att.SN, att.Message, att.Raw, att.Cost = string(res.State), res.SN, res.Message, res.Raw, out.cost
	}
	if out.status == order.Failed {
		out.cost = 0
	}
	return out
}

// settleOrder is the one way an order becomes final, inside the transaction that records why (in
// its reseller's lock domain): OrderFinish, the capture or release of its hold, on failure the
// multi slot and stock given back; then the supplier's cost booked, the reseller's callback (and
// a text channel's answer) queued; on an upstream success the over-limit and SN checks. It
// settles nothing on an order already final (OrderFinish's status guard): an upstream success
// is then recorded as a late delivery.
func (s *Service) settleOrder(ctx context.Context, tx *store.Tx, o *order.Order, out outcome) (settlement, error) {
	var st settlement
	var err error
	if st.settled, err = s.finalize(ctx, tx, o, out); err != nil {
		return st, err
	}
	if !st.settled {
		if out.status == order.Success && out.att != nil && !out.byHand {
			st.late, err = s.lateInTx(ctx, tx, o, out.att)
		}
		return st, err
	}
	if err := s.afterSettle(ctx, tx, o, out.att, out.status, out.cost); err != nil {
		return st, err
	}
	if out.status != order.Success || out.byHand {
		return st, nil
	}
	if st.over, err = s.overLimit(ctx, tx, o, out.limit, out.cost); err != nil {
		return st, err
	}
	st.noSN, err = s.noSN(ctx, tx, o, out.att, out.sn)
	return st, err
}

// finalize moves a Pending order to its outcome's status with its money movements, inside tx. It
// returns false, changing nothing, when the order was already final.
func (s *Service) finalize(ctx context.Context, tx *store.Tx, o *order.Order, out outcome) (bool, error) {
	ok, err := tx.OrderFinishJob(ctx, o.ID, out.status, out.sn, out.msg, out.cost, out.job)
	if err != nil || !ok {
		return false, err
	}
	if o.Testing {
		return true, nil
	}
	if o.Price > 0 {
		// The hold the accept step made goes to revenue and the uplines' commissions (captured,
		// captureTree) or back (released).
		ra, err := s.orderAccounts(ctx, tx, o)
		if err != nil {
			return false, err
		}
		if out.status == order.Failed {
			if err := tx.TransferOrder(ctx, store.OrderRef{ID: o.ID, Invoice: o.Invoice}, ledger.PostRelease, ra.held, ra.available, o.Price, "refund "+o.Invoice); err != nil {
				return false, err
			}
		} else if err := s.captureTree(ctx, tx, o, ra.held); err != nil {
			return false, err
		}
	}
	if out.status == order.Success {
		return true, nil
	}
	if err := tx.MultiGuardRelease(ctx, o.ID); err != nil {
		return false, err
	}
	// What acceptance took, not what the variant's setting is now: switched from unlimited to
	// limited meanwhile, giving a unit back would create one. (A variant made unlimited since
	// keeps no count, and VariantStockReturn leaves it alone.)
	if o.StockTaken {
		if err := tx.VariantStockReturn(ctx, o.VariantID); err != nil {
			return false, err
		}
	}
	return true, nil
}

// alertSettlement raises, after the commit, the alerts settleOrder flagged, and tells Final of
// an order it made final.
func (s *Service) alertSettlement(o *order.Order, out outcome, st settlement) {
	if st.settled {
		s.told(o.Invoice, out.status)
	}
	if st.over {
		s.alertOverLimit(o, out.att, out.limit, out.cost)
	}
	if st.noSN {
		s.alertNoSN(o, out.att)
	}
}

// logSettlement logs, after the commit, what settleOrder did: msg and args for a settlement, the
// late delivery's report for an upstream success on an order final already.
func (s *Service) logSettlement(o *order.Order, out outcome, st settlement, msg string, args ...any) {
	if st.settled {
		s.log.Info(msg, args...)
	} else if out.status == order.Success && out.att != nil && !out.byHand {
		s.reportLate(o, out.att, st.late)
	}
}

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
	return tx.TransferOrder(ctx, store.OrderRef{ID: o.ID, Invoice: o.Invoice}, ledger.PostCost, acct, s.sys.cost, cost, "cost "+o.Invoice+" at "+supplierName)
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
		// Through the reseller cache: exact while the resellers counter stands still, so the
		// settlement costs no read of its own (issue 23).
		r, err := s.resellerByID(ctx, o.ResellerID)
		if err != nil {
			return fmt.Errorf("callback of %s: %w", o.Invoice, err)
		}
		if r.CallbackURL == "" {
			return nil
		}
	}
	return tx.JobInsert(ctx, store.JobCallback, o.ID, s.now())
}

// finish settles an order on the worker's final answer res for att (nil when no supplier was
// left to try), read in state from: Success captures the hold to revenue; Failed releases it back
// to the reseller and gives back stock and the multi slot. All of it, the attempt's record and
// the job's removal are one transaction, and OrderFinish's status guard makes a second settlement
// a no-op.
//
// A success above limit, the order's max price, stays a success (the money is spent upstream:
// refunding the reseller would lose it twice) and is flagged over_limit and alerted.
func (s *Service) finish(ctx context.Context, j store.Job, o *order.Order, att *store.Attempt, from string, limit int64, res supplier.Result) error {
	out := s.answerOutcome(o, att, limit, res)
	out.job = j.ID // deleted by the settlement (finalize)
	var st settlement
	var decided bool
	var decidedAs string
	err := s.inOrder(ctx, o, func(tx *store.Tx) error {
		st, decided, decidedAs = settlement{}, false, ""
		if att != nil {
			ok, err := tx.AttemptUpdateFrom(ctx, att, from)
			if err != nil {
				return err
			}
			if !ok {
				// A callback decided the attempt while this answer was on its way: the first
				// final outcome stands; the next pass acts on it.
				decided = true
				cur, err := tx.AttemptByReference(ctx, att.Reference)
				if err != nil {
					return err
				}
				decidedAs = cur.State
				return tx.JobRetry(ctx, j, s.now(), "attempt decided meanwhile")
			}
		}
		var err error
		st, err = s.settleOrder(ctx, tx, o, out)
		return err
	})
	if err != nil {
		return fmt.Errorf("finish %s: %w", o.Invoice, err)
	}
	if decided {
		if out.status == order.Success && decidedAs == "failed" {
			// Contradicting answers (a callback's failure, then this success): the first stands,
			// but the success is kept in the log for the operator.
			s.log.Error("supplier answered success after its failure was recorded; the failure stands", "invoice", o.Invoice,
				"supplier", att.Supplier, "attempt", att.Reference, "sn", res.SN, "cost", out.cost)
		}
		return nil
	}
	s.alertSettlement(o, out, st)
	s.logSettlement(o, out, st, "order final", "invoice", o.Invoice, "status", out.status, "sn", res.SN)
	return nil
}

// snPending is a success without an SN recorded as pending: what it said is kept, the SN is
// awaited.
func snPending(res supplier.Result) supplier.Result {
	return supplier.Result{State: supplier.Pending, Message: "sukses tanpa SN; menunggu SN dari supplier", Raw: res.Raw,
		Cost: res.Cost, UpstreamRef: res.UpstreamRef}
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
	att, o, err := s.callbackAttempt(ctx, supplierName, ref)
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
		return s.noteAttempt(ctx, o, att, from)
	}
	if o.Status.Final() {
		_, err := s.recordLate(ctx, nil, o, att, from, res)
		return err
	}
	if res.State == supplier.Failed {
		// A definite refusal may still move the order to another supplier: let the worker decide
		// on its next pass, now.
		att.State, att.Message, att.Raw = "failed", res.Message, res.Raw
		return s.inOrder(ctx, o, func(tx *store.Tx) error {
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
		return s.noteAttempt(ctx, o, att, from)
	}
	return s.settleByCallback(ctx, supplierName, o, att, from, res)
}

// callbackAttempt finds the attempt a supplier's callback names by our reference ref, and its
// order. A reference Kios never sent, or sent to another supplier, is ErrUnknownReference: a
// supplier cannot settle another's attempt.
func (s *Service) callbackAttempt(ctx context.Context, supplierName, ref string) (*store.Attempt, *order.Order, error) {
	att, err := s.db.AttemptByReference(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		// A bill is paid upstream under its inquiry's reference, not its attempt's.
		att, err = s.billAttempt(ctx, supplierName, ref)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, fmt.Errorf("%s: %w", ref, ErrUnknownReference)
	}
	if err != nil {
		return nil, nil, err
	}
	if att.Supplier != supplierName {
		return nil, nil, fmt.Errorf("%s belongs to supplier %s, not %s: %w", att.Reference, att.Supplier, supplierName, ErrUnknownReference)
	}
	o, err := s.db.OrderByID(ctx, att.OrderID)
	if err != nil {
		return nil, nil, err
	}
	return att, o, nil
}

// noteAttempt records news on an attempt that does not settle its order, if the attempt is
// still in state from (a poll's answer recorded meanwhile wins).
func (s *Service) noteAttempt(ctx context.Context, o *order.Order, att *store.Attempt, from string) error {
	return s.inOrder(ctx, o, func(tx *store.Tx) error {
		_, err := tx.AttemptUpdateFrom(ctx, att, from)
		return err
	})
}

// settleByCallback settles order o on a supplier's final answer pushed for att, in one
// transaction with recording it: an answer a poll recorded first settles nothing here.
func (s *Service) settleByCallback(ctx context.Context, supplierName string, o *order.Order, att *store.Attempt, from string, res supplier.Result) error {
	limit, err := s.maxPrice(ctx, o)
	if err != nil {
		return err
	}
	known := att.Cost
	out := s.answerOutcome(o, att, limit, res)
	var recorded bool
	var st settlement
	err = s.inOrder(ctx, o, func(tx *store.Tx) error {
		recorded, st = false, settlement{}
		var err error
		if recorded, err = tx.AttemptUpdateFrom(ctx, att, from); err != nil || !recorded {
			return err
		}
		if st, err = s.settleOrder(ctx, tx, o, out); err != nil {
			return err
		}
		if !st.settled {
			// Resolved by hand since it was read: a late delivery (settleOrder recorded it).
			return closeIfDone(ctx, tx, o.ID)
		}
		return tx.JobDeleteForOrder(ctx, o.ID, store.JobFulfil)
	})
	if err != nil {
		return fmt.Errorf("resolve %s: %w", att.Reference, err)
	}
	if !recorded {
		return nil
	}
	s.alertSettlement(o, out, st)
	s.checkAnswer(ctx, o, att, known, res)
	s.logSettlement(o, out, st, "order final by supplier callback", "invoice", o.Invoice, "supplier", supplierName, "sn", res.SN)
	s.wake()
	return nil
}

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
	// shopInvoice is the storefront invoice moved to success by the late delivery ("" if none).
	shopInvoice string
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
	// A storefront order: the buyer has the goods after all, so its invoice is delivered too.
	out.shopInvoice, err = s.shopLateInTx(ctx, tx, cur, att)
	return out, err
}

// reportLate logs (and alerts) what lateInTx did, after its commit.
func (s *Service) reportLate(o *order.Order, att *store.Attempt, out lateOutcome) {
	switch {
	case out.flagged && out.shopInvoice != "":
		s.log.Warn("supplier delivered a storefront order after it failed: its invoice is delivered, no refund owed",
			"invoice", o.Invoice, "shop_invoice", out.shopInvoice, "supplier", att.Supplier, "attempt", att.Reference, "sn", att.SN, "cost", out.cost)
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
		att.Cost = s.answerCost(o, att, res)
	}
	var recorded bool
	var out lateOutcome
	err := s.inOrder(ctx, o, func(tx *store.Tx) error {
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
