// Package simulator is Kios's built-in supplier for demos and tests. Its outcomes are a pure
// function of the request and the clock, so a Status asked after a crash and restart gives the
// same answer the lost Purchase would have given:
//
//   - a destination ending in "0000" fails;
//   - one ending in "1111" stays Pending for about 5 s after the attempt was sent, then succeeds;
//   - any other succeeds after the configured delay, with a serial number derived from the reference.
package simulator

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kios-h2h/kios/internal/supplier"
)

// PendingFor is how long a "1111" destination stays Pending.
const PendingFor = 5 * time.Second

// Simulator implements supplier.Supplier without any network.
type Simulator struct {
	Delay time.Duration    // how long a Purchase takes
	Now   func() time.Time // the clock; nil means time.Now

	started startedPurchases // purchases started with StartPurchase, waiting for their answer
}

// New returns a simulator whose purchases take delay.
func New(delay time.Duration) *Simulator { return &Simulator{Delay: delay} }

// Name implements supplier.Supplier.
func (s *Simulator) Name() string { return "simulator" }

func (s *Simulator) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Purchase implements supplier.Supplier.
func (s *Simulator) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	if s.Delay > 0 {
		t := time.NewTimer(s.Delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return supplier.Result{}, fmt.Errorf("simulator purchase %s: %w: %w", req.Reference, supplier.ErrUnknownOutcome, ctx.Err())
		case <-t.C:
		}
	}
	return s.outcome(req), nil
}

// Starting is the simulator as a supplier.Starter. It is a type of its own, not a method of
// Simulator, because a type that embeds *Simulator to answer Purchase its own way (tests do)
// would inherit a StartPurchase that bypasses its Purchase, and the dispatcher prefers
// StartPurchase.
type Starting struct{ *Simulator }

// Starting returns s as a supplier.Starter.
func (s *Simulator) Starting() Starting { return Starting{s} }

// StartPurchase implements supplier.Starter: the answer comes after Delay, or an unknown
// outcome when ctx ends first, with no goroutine waiting in between.
func (s Starting) StartPurchase(ctx context.Context, req supplier.Request, done func(supplier.Result, error)) {
	if s.Delay <= 0 {
		done(s.Purchase(ctx, req))
		return
	}
	s.started.add(s.Simulator, &startedPurchase{due: time.Now().Add(s.Delay), ctx: ctx, req: req, done: done})
}

// startedPurchase is a purchase started with StartPurchase, waiting for its answer.
type startedPurchase struct {
	due      time.Time
	ctx      context.Context
	req      supplier.Request
	done     func(supplier.Result, error)
	answered bool // under startedPurchases.mu
}

// startedPurchases are the purchases waiting for their answer, due first at the top of a heap
// under one timer, and one watch on each context they came with. 50,000 of them are out at once
// in the fulfilment dispatcher's memory benchmark: a timer and a context.AfterFunc each would
// cost about 350 bytes more per purchase than its place in the heap.
type startedPurchases struct {
	mu      sync.Mutex
	heap    []*startedPurchase // by due time
	timer   *time.Timer        // fires when the top is due
	watches map[context.Context]*ctxWatch
}

// ctxWatch is the watch on one context: how many purchases still wait under it, and the stop
// of its context.AfterFunc.
type ctxWatch struct {
	n    int
	stop func() bool
}

func (q *startedPurchases) add(s *Simulator, p *startedPurchase) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.watches == nil {
		q.watches = map[context.Context]*ctxWatch{}
	}
	w := q.watches[p.ctx]
	if w == nil {
		w = &ctxWatch{}
		ctx := p.ctx
		w.stop = context.AfterFunc(ctx, func() { q.ended(ctx) })
		q.watches[ctx] = w
	}
	w.n++
	q.push(p)
	if q.heap[0] == p {
		q.arm(s)
	}
}

// arm sets the timer for the top of the heap (q.mu held).
func (q *startedPurchases) arm(s *Simulator) {
	wait := time.Until(q.heap[0].due)
	if q.timer == nil {
		q.timer = time.AfterFunc(wait, func() { q.tick(s) })
		return
	}
	q.timer.Reset(wait)
}

// tick answers the purchases due, each in a goroutine of its own (the answer's recording may
// take a while), and sets the timer for the next.
func (q *startedPurchases) tick(s *Simulator) {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := time.Now()
	for len(q.heap) > 0 && !q.heap[0].due.After(now) {
		p := q.pop()
		if p.answered {
			continue // its context ended first
		}
		q.answer(p)
		go p.done(s.outcome(p.req), nil)
	}
	if len(q.heap) > 0 {
		q.arm(s)
	}
}

// ended answers the purchases still waiting under ctx: outcome unknown. They stay in the heap,
// answered, until their due time pops them.
func (q *startedPurchases) ended(ctx context.Context) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.watches[ctx] == nil {
		return
	}
	for _, p := range q.heap {
		if p.ctx == ctx && !p.answered {
			q.answer(p)
			err := fmt.Errorf("simulator purchase %s: %w: %w", p.req.Reference, supplier.ErrUnknownOutcome, ctx.Err())
			go p.done(supplier.Result{}, err)
		}
	}
}

// answer marks p answered and lets go of its context's watch when it was the last (q.mu held).
func (q *startedPurchases) answer(p *startedPurchase) {
	p.answered = true
	w := q.watches[p.ctx]
	if w.n--; w.n == 0 {
		w.stop()
		delete(q.watches, p.ctx)
	}
}

func (q *startedPurchases) push(p *startedPurchase) {
	q.heap = append(q.heap, p)
	for i := len(q.heap) - 1; i > 0; {
		parent := (i - 1) / 2
		if !q.heap[i].due.Before(q.heap[parent].due) {
			break
		}
		q.heap[i], q.heap[parent] = q.heap[parent], q.heap[i]
		i = parent
	}
}

func (q *startedPurchases) pop() *startedPurchase {
	top := q.heap[0]
	last := len(q.heap) - 1
	q.heap[0] = q.heap[last]
	q.heap[last] = nil
	q.heap = q.heap[:last]
	for i := 0; ; {
		l, r, least := 2*i+1, 2*i+2, i
		if l < len(q.heap) && q.heap[l].due.Before(q.heap[least].due) {
			least = l
		}
		if r < len(q.heap) && q.heap[r].due.Before(q.heap[least].due) {
			least = r
		}
		if least == i {
			break
		}
		q.heap[i], q.heap[least] = q.heap[least], q.heap[i]
		i = least
	}
	return top
}

// Status implements supplier.Supplier.
func (s *Simulator) Status(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	if err := ctx.Err(); err != nil {
		return supplier.Result{}, err
	}
	return s.outcome(req), nil
}

func (s *Simulator) outcome(req supplier.Request) supplier.Result {
	switch {
	case strings.HasSuffix(req.Destination, "0000"):
		return supplier.Result{State: supplier.Failed, Customer: true, Message: "Nomor tujuan salah (simulator)"}
	case strings.HasSuffix(req.Destination, "1111") && s.now().Sub(req.SentAt) < PendingFor:
		return supplier.Result{State: supplier.Pending, Message: "Transaksi sedang diproses (simulator)"}
	}
	return supplier.Result{State: supplier.Success, SN: SerialNumber(req.Reference), Message: "Transaksi sukses (simulator)"}
}

// SerialNumber is the simulator's SN for a reference: 20 digits, stable across restarts.
func SerialNumber(ref string) string {
	h := sha256.Sum256([]byte(ref))
	a := binary.BigEndian.Uint64(h[:8]) % 1e10
	b := binary.BigEndian.Uint64(h[8:16]) % 1e10
	return fmt.Sprintf("%010d%010d", a, b)
}
