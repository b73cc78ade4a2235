// Package route is Kios's Router over the supplier registry: an order's variant goes to the
// enabled suppliers that sell it, best priority first, skipping those whose circuit breaker is
// open. Each registered supplier's connector is held as a supplier.Connection (every optional
// capability a method), wrapped in the metrics decorator (Options.Meter), and that in a Conn, so
// that every call it answers feeds its breaker and carries its registry name into the attempt
// records.
package route

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/simulator"
	"github.com/kios-h2h/kios/internal/upstream/breaker"
	"github.com/kios-h2h/kios/internal/upstream/health"
)

// Connect builds the connector for a registered supplier from its kind, base URL and credentials.
type Connect func(s store.Supplier) (supplier.Supplier, error)

// Options configure a Router.
type Options struct {
	// Connect builds connectors; nil knows the simulator kind only.
	Connect Connect
	// Breaker tunes each supplier's circuit breaker.
	Breaker breaker.Config
	// Simulator is the built-in supplier for testing orders, and for every order while no supplier
	// is registered at all (a fresh install). Nil means simulator.New(0).
	Simulator *simulator.Simulator
	// Refresh is how long the list of registered suppliers is trusted before it is read again;
	// 0 means 5 s.
	Refresh time.Duration
	Logger  *slog.Logger
	// Window records every Purchase and Status answered (success rate, latency, last error per
	// supplier and SKU); nil means a window of the last hour.
	Window *health.Window
	// Meter, if set, wraps each supplier's connection (and the built-in simulator's) beneath its
	// breaker, given its registry name: metrics.Metrics.Supplier, which counts every call that
	// reaches the connector once (a purchase the breaker refuses reaches none).
	Meter func(name string, c supplier.Connection) supplier.Connection
	// Learning tunes routing that learns (demotion, the success-rate floor); zero: defaults.
	Learning Learning
	// Now is the clock for learning; nil means time.Now.
	Now func() time.Time
}

// Router implements core.Router.
type Router struct {
	db   *store.DB
	opts Options

	// builtin is the simulator as the supplier of a fresh install: observed like a registered
	// one, but never out of rotation.
	builtin *Conn

	// learn holds each supplier SKU's recent outcomes and standing (docs/FULFILMENT.md,
	// "Routing that learns").
	learn *learner

	mu       sync.Mutex
	conns    map[string]*Conn // by registry name
	policy   Policy           // the operator's global routing policy, read with the registry
	loadedAt time.Time
	// down caches the variants no supplier can take now (Unavailable) for a second; downMu
	// guards it and lets one caller at a time rebuild it.
	downMu sync.Mutex
	down   map[int64]bool
	downAt time.Time

	// routes caches each variant's routes read at routesEpoch, the database's catalog counter,
	// which triggers move with any change to what Routes reads (migrations 00050, 00241).
	routesMu    sync.Mutex
	routesEpoch int64
	routes      map[int64][]store.Route
}

// routesMaxAge is how old the catalog counter may be when the routes cache trusts it: the bound
// on how long a change made by another process (a sync, the CLI, another node) goes unseen, the
// same as the core's caches'. A change made through this process is seen at once.
const routesMaxAge = 5 * time.Millisecond

// cachedRoutes is Routes for a variant, read from the database only when the catalog counter
// moved since it was last read (issue 23: one statement less per fulfilment pass).
func (r *Router) cachedRoutes(ctx context.Context, variantID int64) ([]store.Route, error) {
	e, err := r.db.EpochsWithin(ctx, routesMaxAge)
	if err != nil {
		return nil, err
	}
	r.routesMu.Lock()
	if rs, ok := r.routes[variantID]; ok && r.routesEpoch == e.Catalog {
		r.routesMu.Unlock()
		return slices.Clone(rs), nil
	}
	r.routesMu.Unlock()
	// Read after the counter: a change committed in between moves it past e.Catalog, so what is
	// cached here is never used after that change.
	rs, err := r.db.Routes(ctx, variantID)
	if err != nil {
		return nil, err
	}
	r.routesMu.Lock()
	defer r.routesMu.Unlock()
	if e.Catalog < r.routesEpoch {
		return rs, nil // a slower reader's older view must not replace a newer one
	}
	if e.Catalog != r.routesEpoch || r.routes == nil {
		r.routesEpoch, r.routes = e.Catalog, map[int64][]store.Route{}
	}
	r.routes[variantID] = slices.Clone(rs)
	return rs, nil
}

var (
	_ core.Router  = (*Router)(nil)
	_ core.Bounded = (*Conn)(nil)
)

// New returns a Router on db's supplier registry.
func New(db *store.DB, opts Options) *Router {
	if opts.Simulator == nil {
		opts.Simulator = simulator.New(0)
	}
	if opts.Refresh <= 0 {
		opts.Refresh = 5 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Connect == nil {
		opts.Connect = ConnectSimulator(opts.Simulator)
	}
	if opts.Window == nil {
		opts.Window = health.New(health.DefaultSpan, 0, nil)
	}
	r := &Router{db: db, opts: opts, conns: map[string]*Conn{}, learn: newLearner(opts.Learning, opts.Now), policy: Cheapest}
	r.builtin = &Conn{row: store.Supplier{Name: opts.Simulator.Name(), Kind: store.KindSimulator, Enabled: true}, r: r}
	r.builtin.sup = r.connection(opts.Simulator.Name(), opts.Simulator)
	return r
}

// connection is the connector s of the supplier registered as name, as the router holds it.
func (r *Router) connection(name string, s supplier.Supplier) supplier.Connection {
	c := supplier.AsConnection(s)
	if r.opts.Meter != nil {
		c = r.opts.Meter(name, c)
	}
	return c
}

// Window is the record of calls to suppliers this router made.
func (r *Router) Window() *health.Window { return r.opts.Window }

// Builtin is the built-in simulator as a supplier (what a fresh install buys from).
func (r *Router) Builtin() *Conn { return r.builtin }

// ConnectSimulator connects the simulator kind to sim, and refuses the others.
func ConnectSimulator(sim *simulator.Simulator) Connect {
	return func(s store.Supplier) (supplier.Supplier, error) {
		if s.Kind == store.KindSimulator {
			return sim, nil
		}
		return nil, fmt.Errorf("supplier %s: no connector for kind %q in this build", s.Name, s.Kind)
	}
}

// Candidates implements core.Router: the suppliers that can take o now, in the order routing
// chooses (docs/FULFILMENT.md, "Routing that learns"): operator priority first; within a
// priority, suppliers whose recent success rate is below the floor last, the others by the
// routing policy (the product's own, else the global one). A supplier is left out while its
// circuit is open, while the SKU is demoted (or its one probe order is out), and while the
// balance Kios last knew it to hold there is below the SKU's cost. A candidate's cost is its
// last synced one; the core skips those above the order's limit (price plus the loss allowed).
func (r *Router) Candidates(ctx context.Context, o *order.Order) ([]core.Candidate, error) {
	routes, err := r.cachedRoutes(ctx, o.VariantID)
	if err != nil {
		return nil, err
	}
	conns, err := r.load(ctx, false)
	if err != nil {
		return nil, err
	}
	if len(conns) == 0 {
		// Nothing registered: a fresh install resells the simulator, so a demo works end to end.
		return []core.Candidate{{Supplier: r.builtin, Upstream: r.builtin.biller(), SKU: o.VariantCode}}, nil
	}
	var out []core.Candidate
	if len(routes) > 0 {
		list := make([]ranked, 0, len(routes))
		picked := make([]*Conn, len(routes))
		policy := r.globalPolicy()
		for i, rt := range routes {
			if rt.Policy != "" {
				if p, err := core.ParseRoutingPolicy(rt.Policy); err == nil && p != "" {
					policy = p
				}
			}
			c := conns[rt.Supplier]
			if c == nil {
				// Registered after our last read: read again once.
				if conns, err = r.load(ctx, true); err != nil {
					return nil, err
				}
				if c = conns[rt.Supplier]; c == nil {
					continue
				}
			}
			if !r.usable(c, rt.Product.Code, rt.Product.Cost, true) {
				continue
			}
			picked[i] = c
			list = append(list, ranked{idx: i, priority: rt.Product.Priority, cost: rt.Product.Cost, st: r.learn.stats(c.row.Name, rt.Product.Code)})
		}
		r.learn.order(policy, list)
		out = make([]core.Candidate, 0, len(list))
		for _, c := range list {
			rt := routes[c.idx]
			out = append(out, core.Candidate{Supplier: picked[c.idx], Upstream: picked[c.idx].biller(), SKU: rt.Product.Code, Cost: rt.Product.Cost})
		}
		return out, nil
	}
	// A variant no supplier product maps to goes to the registered simulators, if any: a
	// simulator supplier is a catch-all for demos and staging.
	for _, c := range conns {
		if c.row.Kind == store.KindSimulator && c.row.Enabled && c.err == nil && c.br.Available() {
			out = append(out, core.Candidate{Supplier: c, Upstream: c.biller(), SKU: o.VariantCode})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Supplier.Name() < out[j].Supplier.Name() })
	return out, nil
}

// usable tells whether an order can go to c's SKU now: its connector built, its circuit not
// open, the SKU not demoted, and the balance known there (if any) enough for cost. loud logs a
// balance skip (rate-limited per supplier).
func (r *Router) usable(c *Conn, sku string, cost int64, loud bool) bool {
	if c.err != nil {
		if loud {
			r.opts.Logger.Warn("supplier skipped", "supplier", c.row.Name, "err", c.err)
		}
		return false
	}
	if !c.br.Available() {
		return false
	}
	switch r.learn.standing(c.row.Name, sku) {
	case StandingDemoted, StandingProbing:
		return false
	}
	if bal, known := c.Balance(); known && cost > 0 && bal < cost {
		if loud && c.lowWarned.Load() < time.Now().Add(-time.Minute).UnixNano() {
			c.lowWarned.Store(time.Now().UnixNano())
			r.opts.Logger.Warn("supplier skipped: its balance is below the cost of the order", "alert", core.AlertLowBalance,
				"supplier", c.row.Name, "sku", sku, "balance", bal, "cost", cost)
		}
		return false
	}
	return true
}

// globalPolicy is the operator's routing_policy setting as last read with the registry.
func (r *Router) globalPolicy() Policy {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.policy
}

// Unavailable implements core.Availability: the variants that have suppliers, none of which can
// take an order now (every one's circuit open, SKU demoted or balance short) — what the market
// calls gangguan. Variants no supplier maps are not in it (they go to the simulators, or fail
// as before). The answer is cached for a second: price lists ask it for every variant.
func (r *Router) Unavailable(ctx context.Context) (map[int64]bool, error) {
	// Order acceptance asks this for every order: it is answered from a view at most a second
	// old, which one caller at a time rebuilds (the others wait for it, not for a query each).
	r.downMu.Lock()
	defer r.downMu.Unlock()
	if !r.downAt.IsZero() && time.Since(r.downAt) < time.Second {
		return r.down, nil
	}
	down, err := r.unavailable(ctx)
	if err != nil {
		return nil, err
	}
	r.down, r.downAt = down, time.Now()
	return down, nil
}

// unavailable computes the variants no supplier can take now.
func (r *Router) unavailable(ctx context.Context) (map[int64]bool, error) {
	conns, err := r.load(ctx, false)
	if err != nil {
		return nil, err
	}
	if len(conns) == 0 {
		return nil, nil
	}
	anyDown := r.learn.anyDemoted()
	for _, c := range conns {
		if c.err != nil || !c.br.Available() {
			anyDown = true
		}
		if _, known := c.Balance(); known {
			anyDown = true
		}
	}
	if !anyDown {
		return nil, nil
	}
	routed, err := r.db.RoutedVariants(ctx)
	if err != nil {
		return nil, err
	}
	down := map[int64]bool{}
	for vid, routes := range routed {
		ok := false
		for _, rt := range routes {
			if c := conns[rt.Supplier]; c != nil && r.usable(c, rt.Product.Code, rt.Product.Cost, false) {
				ok = true
				break
			}
		}
		if !ok {
			down[vid] = true
		}
	}
	return down, nil
}

// Observe tells routing of an order's final answer at a supplier's SKU that did not come
// through this router's calls (a supplier's callback), so its window sees every outcome.
func (r *Router) Observe(name, sku string, success bool) {
	state := supplier.Failed
	if success {
		state = supplier.Success
	}
	r.learn.observe(name, sku, state, time.Time{}, "")
}

// Stats lists what routing knows of every supplier SKU it has seen answer (outcomes, success
// rate, time to final, standing), by supplier then SKU; name, if not empty, keeps one supplier's.
func (r *Router) Stats(name string) []SKUStats {
	all := r.learn.all()
	if name == "" {
		return all
	}
	out := all[:0]
	for _, st := range all {
		if st.Supplier == name {
			out = append(out, st)
		}
	}
	return out
}

// Supplier implements core.Router. It finds disabled suppliers and those whose breaker is open
// too: an attempt already sent must be asked after whatever the supplier's standing now. The
// registry read it may need takes at most 10 s and is not cut short when ctx ends: a worker
// shutting down must not read its attempt's supplier as gone.
func (r *Router) Supplier(ctx context.Context, name string) (supplier.Supplier, bool) {
	c, ok := r.supplierConn(ctx, name)
	if !ok {
		return nil, false
	}
	return c, true
}

// Connector is the connection of the supplier named name (found as Supplier finds it), beneath
// its breaker: what receives the supplier's callbacks (package inbound).
func (r *Router) Connector(ctx context.Context, name string) (supplier.Connection, bool) {
	c, ok := r.supplierConn(ctx, name)
	if !ok {
		return nil, false
	}
	return c.sup, true
}

func (r *Router) supplierConn(ctx context.Context, name string) (*Conn, bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	conns, err := r.load(ctx, false)
	if err == nil && conns[name] == nil {
		conns, err = r.load(ctx, true)
	}
	if err == nil {
		if c := conns[name]; c != nil && c.err == nil {
			return c, true
		}
	}
	if name == r.opts.Simulator.Name() {
		return r.builtin, true
	}
	return nil, false
}

// Testing implements core.Router.
func (r *Router) Testing() supplier.Supplier { return r.opts.Simulator }

// Conn finds a registered supplier's wrapped connector by name.
func (r *Router) Conn(ctx context.Context, name string) (*Conn, error) {
	conns, err := r.load(ctx, false)
	if err == nil && conns[name] == nil {
		conns, err = r.load(ctx, true)
	}
	if err != nil {
		return nil, err
	}
	c := conns[name]
	if c == nil {
		return nil, fmt.Errorf("supplier %s: %w", name, store.ErrSupplierNotFound)
	}
	return c, c.err
}

// Breakers reports each registered supplier's breaker state.
func (r *Router) Breakers(ctx context.Context) (map[string]breaker.State, error) {
	conns, err := r.load(ctx, false)
	if err != nil {
		return nil, err
	}
	out := make(map[string]breaker.State, len(conns))
	for n, c := range conns {
		out[n] = c.br.State()
	}
	return out, nil
}

// Invalidate makes the next use read the registry again, for changes made in this process
// (changes made elsewhere, e.g. by the CLI, are seen within Refresh).
func (r *Router) Invalidate() {
	r.mu.Lock()
	r.loadedAt = time.Time{}
	r.mu.Unlock()
}

// load returns the registry's connectors, reading the registry again when the cached list is
// older than Refresh (or force). A supplier whose row changed gets a new connector but keeps its
// breaker: a credential change does not wipe its health record.
func (r *Router) load(ctx context.Context, force bool) (map[string]*Conn, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !force && !r.loadedAt.IsZero() && time.Since(r.loadedAt) < r.opts.Refresh {
		return r.conns, nil
	}
	rows, err := r.db.Suppliers(ctx)
	if err != nil {
		return nil, err
	}
	settings, err := r.db.Settings(ctx)
	if err != nil {
		return nil, err
	}
	r.policy = Cheapest
	if p, err := core.ParseRoutingPolicy(settings[core.SettingRoutingPolicy]); err == nil && p != "" {
		r.policy = p
	}
	next := make(map[string]*Conn, len(rows))
	for _, row := range rows {
		old := r.conns[row.Name]
		if old != nil && old.row.UpdatedAt.Equal(row.UpdatedAt) && old.row.ID == row.ID {
			old.noteBalance(row)
			next[row.Name] = old
			continue
		}
		c := &Conn{row: row, r: r}
		if old != nil {
			c.br = old.br
		} else {
			c.br = breaker.New(r.opts.Breaker)
		}
		var sup supplier.Supplier
		if sup, c.err = r.opts.Connect(row); c.err == nil {
			c.sup = r.connection(row.Name, sup)
		}
		c.noteBalance(row)
		next[row.Name] = c
	}
	r.conns, r.loadedAt = next, time.Now()
	return next, nil
}

// Conn is a registered supplier's connector, named as registered, feeding its breaker.
type Conn struct {
	row store.Supplier
	sup supplier.Connection // the connector, metered
	err error
	br  *breaker.Breaker // nil for the built-in simulator, never out of rotation
	r   *Router

	// The balance Kios holds at the supplier, as last fetched (balanceAt, unix µs; 0: never)
	// less what purchases since took (the balance guard: an order costing more is not sent
	// there). A new reading replaces the estimate.
	balance   atomic.Int64
	balanceAt atomic.Int64
	lowWarned atomic.Int64 // unix ns of the last balance-skip warning
}

// noteBalance takes a newer balance reading from the registry row.
func (c *Conn) noteBalance(row store.Supplier) {
	if row.BalanceAt.IsZero() {
		return
	}
	at := row.BalanceAt.UnixMicro()
	if at > c.balanceAt.Load() {
		c.balance.Store(row.Balance)
		c.balanceAt.Store(at)
	}
}

// Balance is what Kios holds at the supplier as far as it knows: the last fetched balance less
// the cost of purchases made since; known is false before any fetch (no guard then).
func (c *Conn) Balance() (balance int64, known bool) {
	if c.balanceAt.Load() == 0 {
		return 0, false
	}
	return c.balance.Load(), true
}

// Name implements supplier.Supplier: the registry name, which attempts record.
func (c *Conn) Name() string { return c.row.Name }

// Row is the supplier's registry record.
func (c *Conn) Row() store.Supplier { return c.row }

// Bounds implements core.Bounded: the registry's max_inflight and rate. The built-in
// simulator has none (the workers' default applies).
func (c *Conn) Bounds() (int, float64) { return c.row.MaxInflight, c.row.Rate }

// Upstream is the connection beneath the breaker: what the supplier can do besides buying
// (list its catalog, tell its balance), asked of it by name, never probed for.
func (c *Conn) Upstream() supplier.Connection { return c.sup }

// biller is the connection as core.Candidate.Upstream: the core asks it to look bills up (an
// inquiry charges nothing, so it need not pass the breaker). Nil when the connector looks no
// bills up, so that the core, which finds a biller by its method, passes to the next candidate.
func (c *Conn) biller() supplier.Supplier {
	if !c.sup.Offers(supplier.CanBill) {
		return nil
	}
	return c.sup
}

// Breaker is the supplier's circuit breaker.
func (c *Conn) Breaker() *breaker.Breaker { return c.br }

// Purchase implements supplier.Supplier. When the breaker refuses (another caller's half-open
// probe is out, or the circuit opened since the order was routed), nothing is sent and the
// answer is a definite, unreachable failure, so the order moves on to the next supplier.
func (c *Conn) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	if c.br != nil && !c.br.Allow() {
		return supplier.Result{State: supplier.Failed, Unreachable: true, Message: "supplier " + c.row.Name + " is out of rotation (circuit open)"}, nil
	}
	if c.br != nil {
		// The built-in simulator is never demoted: a fresh install has nothing else.
		if ok, why := c.r.learn.admit(c.row.Name, req.SKU); !ok {
			return supplier.Result{State: supplier.Failed, Unreachable: true, Message: "supplier " + c.row.Name + " " + req.SKU + " " + why}, nil
		}
	}
	start := time.Now()
	res, err := c.sup.Purchase(ctx, req)
	c.record("purchase", req, start, res, err)
	if err == nil && res.Cost > 0 && (res.State == supplier.Success || res.State == supplier.Pending) && c.balanceAt.Load() != 0 {
		c.balance.Add(-res.Cost)
	}
	return res, err
}

// Status implements supplier.Supplier. It is never refused: an attempt sent must be asked after.
func (c *Conn) Status(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	start := time.Now()
	res, err := c.sup.Status(ctx, req)
	c.record("status", req, start, res, err)
	return res, err
}

// record feeds one answered call to the breaker and the window (the metrics decorator beneath
// has counted it).
func (c *Conn) record(op string, req supplier.Request, start time.Time, res supplier.Result, err error) {
	call := health.Call{Supplier: c.row.Name, SKU: req.SKU, Op: op, At: time.Now(), Took: time.Since(start), State: res.State,
		Unreachable: res.Unreachable, Err: err, Message: res.Message}
	if err != nil {
		call.State = supplier.Unknown
	}
	if c.br != nil {
		c.br.Record(call.Healthy())
		// A failure the order caused (a wrong number) says nothing of the supplier.
		if err == nil && !(res.State == supplier.Failed && res.Customer) {
			sent := req.SentAt
			if res.Unreachable {
				sent = time.Time{} // never reached the supplier: failed there all the same, untimed
			}
			c.r.learn.observe(c.row.Name, req.SKU, res.State, sent, res.Message)
		}
	}
	c.r.opts.Window.Record(call)
}
