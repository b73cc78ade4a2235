package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
)

// WorkerConfig configures the fulfilment workers.
type WorkerConfig struct {
	// Node names this process in job leases; it must differ between nodes sharing a database.
	Node string
	// Workers is how many claimed jobs may be preparing at once: reading the order, routing,
	// waiting for room at their supplier, committing the attempt. A job whose request is out
	// upstream no longer counts: requests in flight are bounded per supplier (MaxInflight, the
	// registry's max_inflight), so throughput does not fall with a supplier's latency.
	Workers int
	// MaxInflight bounds the requests in flight to a supplier that has no bound of its own: the
	// built-in simulator, in-process, whose request costs a goroutine and nothing upstream.
	// 0 means SimulatorMaxInflight.
	MaxInflight int
	// SlotWait is how long a claimed job waits for room at its supplier before it goes back to
	// the queue (orders beyond a supplier's bound wait there, not in memory); 0 means 1 s.
	SlotWait time.Duration
	// Lease is how long a claimed job stays this node's before another node may take it over.
	Lease time.Duration
	// Poll is how often the queue is read when nothing woke the workers (work queued by other
	// nodes or the CLI, delayed retries).
	Poll time.Duration
	// UpstreamTimeout bounds each call to a supplier (give or take a deadline window: see
	// dispatcher.callCtx).
	UpstreamTimeout time.Duration
	// ShutdownGrace is how long in-flight jobs may run after Run's context ends.
	ShutdownGrace time.Duration
}

// DefaultWorkers is WorkerConfig.Workers' default: how many claimed jobs may be preparing at once,
// and so how many one claim statement takes. Each claim waits its turn in a write batch; with 64
// places, claims of at most 64 jobs a batch fell behind acceptance at full load (backlog growing
// to 7,000 within 20,000 orders, fulfilled/accepted 0.78–0.90), with 256 the backlog stayed under
// 600 and fulfilment kept pace (0.99–1.01) on both backends (docs/PERFORMANCE.md, issues 22, 23).
const DefaultWorkers = 256

// SimulatorMaxInflight is the default bound of requests in flight to a supplier without one of
// its own (the built-in simulator): 50,000 pending orders fit in 200 MB (docs/PERFORMANCE.md).
// Registered suppliers have max_inflight (store.DefaultMaxInflight unless set).
const SimulatorMaxInflight = 50_000

func (c *WorkerConfig) defaults() {
	if c.Node == "" {
		c.Node = "node-" + reseller.NewSecret(4)
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.MaxInflight <= 0 {
		c.MaxInflight = SimulatorMaxInflight
	}
	if c.SlotWait <= 0 {
		c.SlotWait = time.Second
	}
	if c.Lease <= 0 {
		c.Lease = 30 * time.Second
	}
	if c.Poll <= 0 {
		c.Poll = 250 * time.Millisecond
	}
	if c.UpstreamTimeout <= 0 {
		c.UpstreamTimeout = c.Lease / 2
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = 10 * time.Second
	}
}

// work runs one fulfilment job to its next resting point, and calls done when it has (the
// claim's place, lease renewal and the dispatcher's wait group are given back there).
//
// A job that sends a request upstream is worked in two goroutines: this one prepares the pass
// (reads, routing, the supplier's slot, the attempt's commit) and ends; a fresh one makes the
// call, waits for the answer and records it. The wait is what lasts (a supplier may take
// seconds, 50,000 requests may be out at once), and a goroutine that had made the database
// calls would wait with the stack they grew (8 KB and more) and the preparing frames on it:
// the fresh one waits with only the call's frames and the pass's few objects on the heap
// (docs/PERFORMANCE.md, "Memory with 50,000 orders pending upstream").
func (s *Service) work(ctx context.Context, d *dispatcher, c *claim) {
	j := c.job
	if j.Kind == store.JobCommission || j.Kind == store.JobTransfer {
		defer d.finished(c)
		c.ready() // no upstream call: nothing to prepare
		if err := s.ledgerJob(ctx, j); err != nil && ctx.Err() == nil {
			s.log.Error("ledger job", "kind", j.Kind, "order_id", j.OrderID, "err", err)
			_ = s.db.Batch(ctx, func(tx *store.Tx) error { return tx.JobRetry(ctx, j, s.now().Add(backoff(j.Attempts)), err.Error()) })
		}
		return
	}
	p, err := s.prepare(ctx, d, c)
	if err != nil || p == nil {
		s.passEnded(ctx, d, j, err)
		d.finished(c)
		return
	}
	p.ctx, p.d = ctx, d
	if !p.status {
		// A Starter answers without a goroutine waiting (nothing but p while it is out); any
		// other connector is called from a goroutine of the connection's own.
		supplier.AsConnection(p.sup).StartPurchase(d.callCtx(), requestOf(p.o, p.att, p.limit), p.answered)
		return
	}
	go func() { p.answered(s.call(d, p)) }()
}

// answered records the answer to p's request (res, or callErr when the call failed), gives
// its supplier's slot back and ends the pass.
func (p *pass) answered(res supplier.Result, callErr error) {
	s, d := p.d.s, p.d
	defer d.finished(p.c)
	err := s.complete(p.ctx, p, res, callErr)
	// The slot is held until the answer is recorded: max_inflight counts requests whose
	// outcome is not written down yet.
	p.release()
	s.passEnded(p.ctx, d, p.c.job, err)
}

// passEnded puts job j back in the queue when its pass ended with err (nil: nothing to do).
func (s *Service) passEnded(ctx context.Context, d *dispatcher, j store.Job, err error) {
	if err == nil || ctx.Err() != nil {
		return // done, or shutting down: the lease will run out and the job resume
	}
	if errors.Is(err, errBusy) {
		// Back to the queue, due again soon, without counting as a failure.
		_ = s.db.Batch(ctx, func(tx *store.Tx) error { return tx.JobRetry(ctx, j, s.now().Add(d.cfg.Poll), err.Error()) })
		return
	}
	s.log.Error("fulfil", "order_id", j.OrderID, "err", err)
	retryAt := s.now().Add(backoff(j.Attempts))
	_ = s.db.Batch(ctx, func(tx *store.Tx) error { return tx.JobRetry(ctx, j, retryAt, err.Error()) })
}

// backoff is the delay before the n-th retry of a job: 250 ms doubling up to a minute.
func backoff(n int) time.Duration {
	d := 250 * time.Millisecond
	for i := 1; i < n && d < time.Minute; i++ {
		d *= 2
	}
	if d > time.Minute {
		d = time.Minute
	}
	return d
}

// jobRead is what a fulfilment pass reads before it buys: the order (nil: gone), its attempts,
// the suppliers that may fulfil it and the most Kios pays for it.
type jobRead struct {
	o        *order.Order
	attempts []store.Attempt
	cands    []Candidate
	limit    int64
}

// readJob reads what a pass over job j needs. A final order's candidates and limit are not read.
func (s *Service) readJob(ctx context.Context, j store.Job) (jobRead, error) {
	var rd jobRead
	o, attempts, err := s.db.OrderWithAttempts(ctx, j.OrderID)
	if err != nil {
		if errors.Is(err, order.ErrNotFound) {
			return rd, nil
		}
		return rd, err
	}
	rd.o, rd.attempts = o, attempts
	if o.Status.Final() {
		return rd, nil
	}
	if o.Testing {
		rd.cands = []Candidate{{Supplier: s.router.Testing(), SKU: o.VariantCode}}
	} else if rd.cands, err = s.router.Candidates(ctx, o); err != nil {
		return rd, fmt.Errorf("route %s: %w", o.Invoice, err)
	} else if o.BillSupplier != "" {
		// A bill exists at the supplier it was looked up at, and only there: no failover.
		rd.cands = slices.DeleteFunc(rd.cands, func(c Candidate) bool { return c.Supplier.Name() != o.BillSupplier })
	}
	// The most Kios pays for this order; a supplier known to charge more is not tried.
	rd.limit, err = s.maxPrice(ctx, o)
	return rd, err
}

// pass is a fulfilment pass whose request is about to leave for a supplier: what the request
// needs and what recording its answer needs. It is all a job keeps while its request is out.
type pass struct {
	c        *claim // the job
	o        *order.Order
	attempts []store.Attempt
	cands    []Candidate
	limit    int64
	att      *store.Attempt // the attempt sent (or asked after)
	sup      supplier.Supplier
	status   bool   // asking after an open attempt, not buying
	release  func() // gives the supplier's slot back

	ctx context.Context // the jobs' context, for recording the answer
	d   *dispatcher
}

// prepare makes a pass over job c up to the request it sends: the reads, the route, a slot at
// the supplier and, for a purchase, the attempt's commit. It returns nil when the pass ended
// without a request (the order final or gone, no supplier left, the lease lost); an error puts
// the job back in the queue (passEnded).
func (s *Service) prepare(ctx context.Context, d *dispatcher, c *claim) (*pass, error) {
	cfg, j := d.cfg, c.job
	rd, err := s.readJob(ctx, j)
	if err != nil {
		return nil, err
	}
	o, attempts, cands, limit := rd.o, rd.attempts, rd.cands, rd.limit
	if o == nil {
		return nil, s.db.Batch(ctx, func(tx *store.Tx) error { return tx.JobDelete(ctx, j.ID) })
	}
	if o.Status.Final() {
		// Resolved by hand (forced) while a purchase was open: that purchase is still asked after,
		// so that a late delivery is recorded and its cost posted; nothing is bought any more.
		if open := lastOpen(attempts); open != nil {
			return nil, s.askFinal(ctx, d, c, o, open)
		}
		return nil, s.inOrder(ctx, o, func(tx *store.Tx) error { return tx.JobDelete(ctx, j.ID) })
	}

	// An attempt whose outcome is not known yet is asked after, never bought again.
	var open *store.Attempt
	for i := range attempts {
		switch attempts[i].State {
		case "sent", "pending", "unknown":
			open = &attempts[i]
		}
	}
	cands = s.withinLimit(o, limit, cands, open == nil)
	p := &pass{c: c, o: o, attempts: attempts, cands: cands, limit: limit}
	if open != nil {
		sup, ok := s.router.Supplier(ctx, open.Supplier)
		if !ok {
			return nil, fmt.Errorf("order %s: attempt %s: supplier %q is gone; resolve it by hand", o.Invoice, open.Reference, open.Supplier)
		}
		release, err := d.slot(ctx, c, sup)
		if err != nil {
			return nil, err
		}
		p.att, p.sup, p.status, p.release = open, sup, true, release
		return p, nil
	}
	// The next candidate is the first not yet tried: the list may shrink or grow between
	// passes (a breaker opening, a supplier disabled), so it is matched by name, not position.
	next := nextCandidate(cands, attempts)
	if next < 0 {
		return nil, s.finish(ctx, j, o, nil, "", limit, supplier.Result{State: supplier.Failed, Message: lastMessage(attempts, "Tidak ada supplier yang tersedia")})
	}
	cand := cands[next]
	// Room at the supplier first: a job that gets none has committed nothing and waits in
	// the queue.
	release, err := d.slot(ctx, c, cand.Supplier)
	if err != nil {
		return nil, err
	}
	att := &store.Attempt{OrderID: o.ID, Supplier: cand.Supplier.Name(), SKU: cand.SKU, Cost: cand.Cost,
		Reference: o.Invoice + "-" + strconv.Itoa(len(attempts)+1)}
	// The attempt is committed before the request leaves, together with a renewed lease: if
	// another node (or another worker of this node) has taken the job over, nothing is sent.
	// The commit is awaited even when ctx ends meanwhile (a shutdown): a batch that committed
	// while its caller had stopped waiting would leave an attempt on record as sent that was
	// never sent, which the next node's status check reads as "not found" and fails.
	var leased bool
	commitCtx, stopCommit := context.WithTimeout(context.WithoutCancel(ctx), attemptCommitTimeout)
	err = s.inOrder(commitCtx, o, func(tx *store.Tx) error {
		var err error
		leased, err = tx.AttemptInsertLeased(commitCtx, j, cfg.Lease, att)
		return err
	})
	stopCommit()
	if err != nil || !leased {
		release()
		if err == nil {
			s.log.Warn("job lease lost before purchase; another node has it", "invoice", o.Invoice, "job", j.ID)
		}
		return nil, err
	}
	p.att, p.sup, p.release = att, cand.Supplier, release
	return p, nil
}

// call sends p's request: the purchase, or the status check of an open attempt.
func (s *Service) call(d *dispatcher, p *pass) (supplier.Result, error) {
	if p.status {
		return s.askStatus(d.callCtx(), p.sup, p.o, p.att, p.limit)
	}
	return p.sup.Purchase(d.callCtx(), requestOf(p.o, p.att, p.limit))
}

// complete records the answer to p's request (res, or callErr when the call failed) and moves
// the order on: settled, failed over to the next candidate, or asked again later.
func (s *Service) complete(ctx context.Context, p *pass, res supplier.Result, callErr error) error {
	j, o, att, attempts, cands, limit := p.c.job, p.o, p.att, p.attempts, p.cands, p.limit
	// The state this pass read: every record of the answer is a compare-and-set on it, so that a
	// callback's decision recorded while the call was out is never overwritten.
	from := att.State
	if callErr != nil {
		res = supplier.Result{State: supplier.Unknown, Message: callErr.Error()}
	}
	if res.UpstreamRef != "" {
		att.UpstreamRef = res.UpstreamRef
	}
	s.log.Info("upstream answer", "invoice", o.Invoice, "supplier", att.Supplier, "attempt", att.Reference, "state", res.State, "sn", res.SN)
	// A price other than the known one reprices the variant (before the answer is recorded: a
	// crash in between only repeats the repricing at the next poll).
	s.checkAnswer(ctx, o, att, att.Cost, res)

	switch res.State {
	case supplier.Success:
		wait, err := s.waitForSN(ctx, o, att, res)
		if err != nil {
			return err
		}
		if wait {
			// A success without the SN the product needs: not settled yet, asked again (the
			// supplier may still be issuing it) until SNWait has passed since the purchase.
			return s.askAgain(ctx, j, o, att, from, snPending(res))
		}
		return s.finish(ctx, j, o, att, from, limit, res)
	case supplier.Failed:
		if nextCandidate(cands, append(attempts, *att)) >= 0 {
			// Definite refusal: record it and let the next candidate try, at once.
			att.State, att.Message, att.Raw = "failed", res.Message, res.Raw
			return s.recordAnswer(ctx, j, o, att, from, s.now(), "failover: "+res.Message)
		}
		return s.finish(ctx, j, o, att, from, limit, res)
	default: // pending or unknown: ask again later
		return s.askAgain(ctx, j, o, att, from, res)
	}
}

// askStatus asks att's supplier what became of it; ctx bounds the call (dispatcher.callCtx).
func (s *Service) askStatus(ctx context.Context, sup supplier.Supplier, o *order.Order, att *store.Attempt, limit int64) (supplier.Result, error) {
	res, err := sup.Status(ctx, requestOf(o, att, limit))
	if err == nil && res.State == supplier.Failed && res.Unreachable {
		// The status call itself did not get through (connection refused, a refusal "whatever
		// the order"): that proves nothing about the purchase already sent.
		res = supplier.Result{State: supplier.Unknown, Message: res.Message, Raw: res.Raw}
	}
	return res, err
}

// askAgain records a pending or unknown answer for att (read in state from) and puts the job back
// for a later poll. If the attempt was decided meanwhile (a callback), the answer is dropped and
// the job runs again at once, to act on that decision.
func (s *Service) askAgain(ctx context.Context, j store.Job, o *order.Order, att *store.Attempt, from string, res supplier.Result) error {
	att.State, att.Message, att.Raw = string(res.State), res.Message, res.Raw
	if res.Cost > 0 && res.Cost <= ledger.MaxAmount {
		att.Cost = res.Cost // the price it was accepted at: a later answer at it is no change
	}
	att.Polls++
	return s.recordAnswer(ctx, j, o, att, from, s.now().Add(backoff(att.Polls)), "upstream "+string(res.State)+": "+res.Message)
}

// recordAnswer records att's answer (a compare-and-set on from, the state it was read in) and
// releases the job to run at runAt, noting why. If the attempt was decided meanwhile (a callback),
// the answer is dropped and the job runs again at once, to act on that decision.
func (s *Service) recordAnswer(ctx context.Context, j store.Job, o *order.Order, att *store.Attempt, from string, runAt time.Time, why string) error {
	return s.inOrder(ctx, o, func(tx *store.Tx) error {
		ok, err := tx.AttemptUpdateFrom(ctx, att, from)
		if err != nil {
			return err
		}
		if !ok {
			return tx.JobRetry(ctx, j, s.now(), "attempt decided meanwhile")
		}
		return tx.JobRetry(ctx, j, runAt, why)
	})
}

// askFinal asks after the open attempt of an order already final (resolved by hand while the
// purchase was open): a success is a late delivery (recordLate), a failure closes the attempt,
// anything else is asked again later.
func (s *Service) askFinal(ctx context.Context, d *dispatcher, c *claim, o *order.Order, att *store.Attempt) error {
	j := c.job
	sup, ok := s.router.Supplier(ctx, att.Supplier)
	if !ok {
		s.log.Warn("order resolved by hand: its open attempt's supplier is gone; no longer asked", "invoice", o.Invoice,
			"attempt", att.Reference, "supplier", att.Supplier)
		return s.inOrder(ctx, o, func(tx *store.Tx) error { return tx.JobDelete(ctx, j.ID) })
	}
	limit, err := s.maxPrice(ctx, o)
	if err != nil {
		return err
	}
	release, err := d.slot(ctx, c, sup)
	if err != nil {
		return err
	}
	defer release()
	from := att.State
	res, err := s.askStatus(d.callCtx(), sup, o, att, limit)
	if err != nil {
		res = supplier.Result{State: supplier.Unknown, Message: err.Error()}
	}
	s.log.Info("upstream answer for an order resolved by hand", "invoice", o.Invoice, "supplier", att.Supplier, "attempt", att.Reference, "state", res.State)
	switch res.State {
	case supplier.Success, supplier.Failed:
		recorded, err := s.recordLate(ctx, &j, o, att, from, res)
		if err != nil || recorded {
			return err
		}
		return s.inOrder(ctx, o, func(tx *store.Tx) error {
			return tx.JobRetry(ctx, j, s.now(), "attempt decided meanwhile")
		})
	default:
		return s.askAgain(ctx, j, o, att, from, res)
	}
}

// nextCandidate is the index of the first candidate whose supplier this order has not tried
// yet, or -1.
func nextCandidate(cands []Candidate, attempts []store.Attempt) int {
	for i, c := range cands {
		tried := false
		for _, a := range attempts {
			if a.Supplier == c.Supplier.Name() {
				tried = true
				break
			}
		}
		if !tried {
			return i
		}
	}
	return -1
}

func lastMessage(attempts []store.Attempt, def string) string {
	for i := len(attempts) - 1; i >= 0; i-- {
		if attempts[i].Message != "" {
			return attempts[i].Message
		}
	}
	return def
}

// requestOf is the request of attempt a. A status check in the Digiflazz family sends the
// purchase again, so it carries the same max price.
func requestOf(o *order.Order, a *store.Attempt, maxPrice int64) supplier.Request {
	return supplier.Request{Reference: a.Reference, SKU: a.SKU, Destination: o.Destination, SentAt: a.CreatedAt, UpstreamRef: a.UpstreamRef,
		BillRef: o.BillRef, MaxPrice: maxPrice}
}

// attemptCommitTimeout bounds the wait for an attempt's commit, which does not end with the
// job's context (see fulfil).
const attemptCommitTimeout = 30 * time.Second
