package core

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
)

// Bounded is a supplier with bounds of its own (route.Conn: the registry's max_inflight and
// rate). A supplier that is not Bounded gets WorkerConfig.MaxInflight and no rate limit.
type Bounded interface {
	// Bounds are the most requests in flight at once (≤ 0: the default) and per second
	// (≤ 0: no limit).
	Bounds() (maxInflight int, rate float64)
}

// errBusy is a job that could not get its supplier's slot (or rate token) within SlotWait: it
// goes back to the queue, which is where orders beyond a supplier's bound wait.
var errBusy = errors.New("supplier at its bound")

// UpstreamStats is what the dispatcher reports of the requests in flight upstream.
type UpstreamStats struct {
	// Inflight is how many upstream requests are out now (sent and their answer not yet
	// recorded); InflightMax the most at once since the service started.
	Inflight, InflightMax int64
	// Claimed is how many jobs this node holds a lease on, in flight or preparing.
	Claimed int64
	// Renewals counts the batched lease renewals made, RenewedLeases the leases they renewed.
	Renewals, RenewedLeases int64
}

// upstream is the service's count of requests in flight; the bench and metrics read it.
type upstream struct {
	inflight, inflightMax, claimed, renewals, renewed atomic.Int64
}

func (u *upstream) add(d int64) {
	n := u.inflight.Add(d)
	for {
		m := u.inflightMax.Load()
		if n <= m || u.inflightMax.CompareAndSwap(m, n) {
			return
		}
	}
}

// Upstream reports the requests in flight to suppliers.
func (s *Service) Upstream() UpstreamStats {
	return UpstreamStats{Inflight: s.up.inflight.Load(), InflightMax: s.up.inflightMax.Load(), Claimed: s.up.claimed.Load(),
		Renewals: s.up.renewals.Load(), RenewedLeases: s.up.renewed.Load()}
}

// gate bounds one supplier's requests: at most max in flight, and a token bucket when rate > 0.
type gate struct {
	mu   sync.Mutex
	n    int
	max  int
	rate float64
	lim  *rate.Limiter
	free chan struct{} // closed (and replaced) whenever a slot frees
}

// acquire takes a slot, and a token when the supplier is rate limited, waiting at most until
// ctx ends. It reports false when it got neither in time.
func (g *gate) acquire(ctx context.Context) bool {
	for {
		g.mu.Lock()
		if g.n < g.max {
			g.n++
			lim := g.lim
			g.mu.Unlock()
			if lim != nil && lim.Wait(ctx) != nil {
				// Wait refuses at once a token it could not give before ctx's deadline.
				g.release()
				return false
			}
			return true
		}
		free := g.free
		g.mu.Unlock()
		select {
		case <-free:
		case <-ctx.Done():
			return false
		}
	}
}

func (g *gate) release() {
	g.mu.Lock()
	g.n--
	close(g.free)
	g.free = make(chan struct{})
	g.mu.Unlock()
}

// set applies bounds read from the registry (they may change while orders are in flight: a
// lower bound only holds back new requests).
func (g *gate) set(maxInflight int, r float64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if maxInflight > g.max {
		close(g.free)
		g.free = make(chan struct{})
	}
	g.max = maxInflight
	if r != g.rate {
		g.rate = r
		if r <= 0 {
			g.lim = nil
		} else {
			// A burst of one second's worth (at least one): what suppliers' "N per second" allows.
			g.lim = rate.NewLimiter(rate.Limit(r), max(1, int(r)))
		}
	}
}

// dispatcher claims due fulfilment jobs and runs each in a goroutine of its own. Only claimed
// jobs that have not yet got their supplier's slot are bounded by Workers; a job whose request
// is out upstream holds a slot of its supplier's gate, no worker, connection or transaction.
type dispatcher struct {
	s   *Service
	cfg WorkerConfig

	gatesMu sync.Mutex
	gates   map[string]*gate

	heldMu sync.Mutex
	held   map[int64]int // job id -> claims of it in memory (a lease may have run out and been re-claimed here)

	calls deadlines // the contexts of calls upstream

	wg sync.WaitGroup // the jobs claimed and not finished
}

// finished gives back what claim c held: its place among the Workers (if it still had it), its
// lease's renewal, its count in the wait for shutdown.
func (d *dispatcher) finished(c *claim) {
	c.ready()
	d.drop(c.job.ID)
	d.wg.Done()
}

// deadlines hands out the contexts that bound calls upstream: the jobs' context with a deadline
// UpstreamTimeout ahead. Calls that start within the same window share one context. A context
// per call (context.WithTimeout) costs a context, a channel and a timer, about 600 bytes, for as
// long as the call is out: 30 MB for 50,000 requests in flight. Shared, they cost a few hundred
// contexts in all (the timeout ÷ the window), and a call's deadline is at most one window late.
type deadlines struct {
	base    context.Context
	timeout time.Duration
	window  time.Duration

	mu     sync.Mutex
	until  time.Time // the current window's end
	ctx    context.Context
	cancel context.CancelFunc // the current context's; each ends at its deadline anyway
}

// callWindow is the window of calls sharing a deadline: 1 % of the timeout, at most 100 ms.
func callWindow(timeout time.Duration) time.Duration {
	return min(max(timeout/100, time.Millisecond), 100*time.Millisecond)
}

// callCtx is the context for a call upstream starting now (see deadlines).
func (d *dispatcher) callCtx() context.Context {
	w := &d.calls
	now := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ctx == nil || !now.Before(w.until) {
		w.until = now.Add(w.window)
		w.ctx, w.cancel = context.WithDeadline(w.base, w.until.Add(w.timeout))
	}
	return w.ctx
}

func (d *dispatcher) gate(sup supplier.Supplier) *gate {
	maxInflight, r := d.cfg.MaxInflight, 0.0
	if b, ok := sup.(Bounded); ok {
		if m, br := b.Bounds(); m > 0 {
			maxInflight, r = m, br
		} else {
			r = br
		}
	}
	d.gatesMu.Lock()
	g := d.gates[sup.Name()]
	if g == nil {
		g = &gate{free: make(chan struct{})}
		d.gates[sup.Name()] = g
	}
	d.gatesMu.Unlock()
	g.set(maxInflight, r)
	return g
}

// slot waits (at most SlotWait) for room at sup, and returns the function that gives the room
// back once the request's answer is recorded.
func (d *dispatcher) slot(ctx context.Context, c *claim, sup supplier.Supplier) (func(), error) {
	g := d.gate(sup)
	wctx, cancel := context.WithTimeout(ctx, d.cfg.SlotWait)
	ok := g.acquire(wctx)
	cancel()
	if !ok {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, errBusy
	}
	c.ready()
	d.s.up.add(1)
	return func() { d.s.up.add(-1); g.release() }, nil
}

func (d *dispatcher) hold(id int64) {
	d.heldMu.Lock()
	d.held[id]++
	d.heldMu.Unlock()
	d.s.up.claimed.Add(1)
}

func (d *dispatcher) drop(id int64) {
	d.heldMu.Lock()
	if d.held[id]--; d.held[id] <= 0 {
		delete(d.held, id)
	}
	d.heldMu.Unlock()
	d.s.up.claimed.Add(-1)
}

// renew renews the leases of every job held here, JobRenewMax to a statement, in one
// transaction. Under load the write queue may be slow: keep runs it every Lease/3, so a lease
// survives two late renewals, and a claim waiting its turn to buy is renewed like one in flight.
func (d *dispatcher) renew(ctx context.Context) {
	d.heldMu.Lock()
	ids := make([]int64, 0, len(d.held))
	for id := range d.held {
		ids = append(ids, id)
	}
	d.heldMu.Unlock()
	if len(ids) == 0 {
		return
	}
	slices.Sort(ids) // one order of row locks on every node
	var renewed int
	err := d.s.db.Batch(ctx, func(tx *store.Tx) error {
		renewed = 0
		for chunk := range slices.Chunk(ids, store.JobRenewMax) {
			n, err := tx.JobRenew(ctx, d.cfg.Node, chunk, d.cfg.Lease)
			if err != nil {
				return err
			}
			renewed += n
		}
		return nil
	})
	if err != nil {
		if ctx.Err() == nil {
			d.s.log.Error("renew job leases", "jobs", len(ids), "err", err)
		}
		return
	}
	d.s.up.renewals.Add(1)
	d.s.up.renewed.Add(int64(renewed))
	if renewed < len(ids) {
		// A lease that ran out (the process stalled longer than Lease) is not taken back: its
		// job's per-claim checks make the holder stand down if another node has it. On
		// PostgreSQL a job locked by its settlement at that moment is skipped too, and counted
		// here: its lease is moot once settled, and renewed next time if not.
		d.s.log.Info("job leases not renewed: ran out, or locked by their settlement", "held", len(ids), "renewed", renewed)
	}
}

// keep renews the held leases every Lease/3 until ctx ends.
func (d *dispatcher) keep(ctx context.Context) {
	t := time.NewTicker(d.cfg.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			d.renew(ctx)
		}
	}
}

// claim is one claimed job in memory. ready frees its place among the Workers preparing, once
// its request has room upstream (or it is done).
type claim struct {
	job  store.Job
	once sync.Once
	prep chan struct{}
}

func (c *claim) ready() { c.once.Do(func() { <-c.prep }) }

// RunWorkers works the fulfilment queue until ctx ends, then lets in-flight jobs finish for up to
// ShutdownGrace. A job cut off mid-way is safe: its lease runs out and the order resumes from what
// was recorded, asking the supplier for the status of an attempt already sent.
//
// It claims due jobs in batches, as many as there are free places among Workers, and runs each
// in a goroutine. A job takes a slot of its supplier's gate (max_inflight, rate) before its
// attempt is committed; once it has one, it leaves its place to the next claim, so requests in
// flight are bounded per supplier, not by Workers. A job that gets no slot within SlotWait is
// put back in the queue. The leases of all held jobs are renewed together (keep).
func (s *Service) RunWorkers(ctx context.Context, cfg WorkerConfig) error {
	cfg.defaults()
	wake := s.Subscribe()
	// Jobs queued by other nodes on the same database (PostgreSQL's NOTIFY; nil on SQLite):
	// claimed at once instead of at the next poll.
	others := s.db.JobWakes()
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()
	d := &dispatcher{s: s, cfg: cfg, gates: map[string]*gate{}, held: map[int64]int{},
		calls: deadlines{base: jobCtx, timeout: cfg.UpstreamTimeout, window: callWindow(cfg.UpstreamTimeout)}}
	keepCtx, stopKeep := context.WithCancel(context.WithoutCancel(ctx))
	keepDone := make(chan struct{})
	go func() { d.keep(keepCtx); close(keepDone) }()
	defer func() { stopKeep(); <-keepDone }()

	prep := make(chan struct{}, cfg.Workers)
	timer := time.NewTimer(0)
	defer timer.Stop()
	kinds := []string{store.JobFulfil, store.JobCommission, store.JobTransfer}
	for {
		select {
		case <-ctx.Done():
			done := make(chan struct{})
			go func() { d.wg.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(cfg.ShutdownGrace):
				cancelJobs()
				<-done
			}
			return nil
		case <-wake:
		case <-others:
		case <-timer.C:
		}
		// Claim as many jobs as there are free places, and go on claiming while jobs keep coming.
		for ctx.Err() == nil {
			free := cfg.Workers - len(prep)
			if free == 0 {
				// Wait for a place to free up, or for shutdown.
				select {
				case prep <- struct{}{}:
					<-prep
				case <-ctx.Done():
				}
				continue
			}
			var jobs []store.Job
			err := s.db.Batch(ctx, func(tx *store.Tx) error {
				var err error
				jobs, err = tx.JobClaim(ctx, cfg.Node, kinds, free, cfg.Lease)
				return err
			})
			if err != nil {
				if ctx.Err() == nil {
					s.log.Error("claim jobs", "err", err)
				}
				break
			}
			for _, j := range jobs {
				prep <- struct{}{}
				c := &claim{job: j, prep: prep}
				d.hold(j.ID)
				d.wg.Add(1)
				go s.work(jobCtx, d, c)
			}
			if len(jobs) < free {
				break
			}
		}
		timer.Reset(cfg.Poll)
	}
}
