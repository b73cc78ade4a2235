// Package route is Kios's Router over the supplier registry: an order's variant goes to the
// enabled suppliers that sell it, best priority first, skipping those whose circuit breaker is
// open. Each registered supplier is wrapped so that every call it answers feeds its breaker and
// carries its registry name into the attempt records.
package route

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/breaker"
	"github.com/kios-h2h/kios/internal/supplier/health"
	"github.com/kios-h2h/kios/internal/supplier/simulator"
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
	// Observe, if set, is told of every such call too (Prometheus metrics).
	Observe func(health.Call)
}

// Router implements core.Router.
type Router struct {
	db   *store.DB
	opts Options

	// builtin is the simulator as the supplier of a fresh install: observed like a registered
	// one, but never out of rotation.
	builtin *Conn

	mu       sync.Mutex
	conns    map[string]*Conn // by registry name
	loadedAt time.Time
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
	r := &Router{db: db, opts: opts, conns: map[string]*Conn{}}
	r.builtin = &Conn{row: store.Supplier{Name: opts.Simulator.Name(), Kind: store.KindSimulator, Enabled: true}, sup: opts.Simulator, r: r}
	return r
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

// Candidates implements core.Router. A candidate's cost is its last synced one; the core skips
// those above the order's limit (price plus the loss allowed).
func (r *Router) Candidates(ctx context.Context, o *order.Order) ([]core.Candidate, error) {
	routes, err := r.db.Routes(ctx, o.VariantID)
	if err != nil {
		return nil, err
	}
	conns, err := r.load(ctx, false)
	if err != nil {
		return nil, err
	}
	if len(conns) == 0 {
		// Nothing registered: a fresh install resells the simulator, so a demo works end to end.
		return []core.Candidate{{Supplier: r.builtin, SKU: o.VariantCode}}, nil
	}
	out := make([]core.Candidate, 0, len(routes))
	for _, rt := range routes {
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
		if c.err != nil {
			r.opts.Logger.Warn("supplier skipped", "supplier", rt.Supplier, "err", c.err)
			continue
		}
		if !c.br.Available() {
			continue
		}
		out = append(out, core.Candidate{Supplier: c, SKU: rt.Product.Code, Cost: rt.Product.Cost})
	}
	if len(routes) == 0 {
		// A variant no supplier product maps to goes to the registered simulators, if any: a
		// simulator supplier is a catch-all for demos and staging.
		for _, c := range conns {
			if c.row.Kind == store.KindSimulator && c.row.Enabled && c.err == nil && c.br.Available() {
				out = append(out, core.Candidate{Supplier: c, SKU: o.VariantCode})
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Supplier.Name() < out[j].Supplier.Name() })
	}
	return out, nil
}

// Supplier implements core.Router. It finds disabled suppliers and those whose breaker is open
// too: an attempt already sent must be asked after whatever the supplier's standing now.
func (r *Router) Supplier(name string) (supplier.Supplier, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
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
	next := make(map[string]*Conn, len(rows))
	for _, row := range rows {
		old := r.conns[row.Name]
		if old != nil && old.row.UpdatedAt.Equal(row.UpdatedAt) && old.row.ID == row.ID {
			next[row.Name] = old
			continue
		}
		c := &Conn{row: row, r: r}
		if old != nil {
			c.br = old.br
		} else {
			c.br = breaker.New(r.opts.Breaker)
		}
		c.sup, c.err = r.opts.Connect(row)
		next[row.Name] = c
	}
	r.conns, r.loadedAt = next, time.Now()
	return next, nil
}

// Conn is a registered supplier's connector, named as registered, feeding its breaker.
type Conn struct {
	row store.Supplier
	sup supplier.Supplier
	err error
	br  *breaker.Breaker // nil for the built-in simulator, never out of rotation
	r   *Router
}

// Name implements supplier.Supplier: the registry name, which attempts record.
func (c *Conn) Name() string { return c.row.Name }

// Row is the supplier's registry record.
func (c *Conn) Row() store.Supplier { return c.row }

// Bounds implements core.Bounded: the registry's max_inflight and rate. The built-in
// simulator has none (the workers' default applies).
func (c *Conn) Bounds() (int, float64) { return c.row.MaxInflight, c.row.Rate }

// Upstream is the connector itself.
func (c *Conn) Upstream() supplier.Supplier { return c.sup }

// Breaker is the supplier's circuit breaker.
func (c *Conn) Breaker() *breaker.Breaker { return c.br }

// Purchase implements supplier.Supplier. When the breaker refuses (another caller's half-open
// probe is out, or the circuit opened since the order was routed), nothing is sent and the
// answer is a definite, unreachable failure, so the order moves on to the next supplier.
func (c *Conn) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	if c.br != nil && !c.br.Allow() {
		return supplier.Result{State: supplier.Failed, Unreachable: true, Message: "supplier " + c.row.Name + " is out of rotation (circuit open)"}, nil
	}
	start := time.Now()
	res, err := c.sup.Purchase(ctx, req)
	c.record("purchase", req, start, res, err)
	return res, err
}

// Status implements supplier.Supplier. It is never refused: an attempt sent must be asked after.
func (c *Conn) Status(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	start := time.Now()
	res, err := c.sup.Status(ctx, req)
	c.record("status", req, start, res, err)
	return res, err
}

// record feeds one answered call to the breaker, the window and the observer (metrics).
func (c *Conn) record(op string, req supplier.Request, start time.Time, res supplier.Result, err error) {
	call := health.Call{Supplier: c.row.Name, SKU: req.SKU, Op: op, At: time.Now(), Took: time.Since(start), State: res.State,
		Unreachable: res.Unreachable, Err: err, Message: res.Message}
	if err != nil {
		call.State = supplier.Unknown
	}
	if c.br != nil {
		c.br.Record(call.Healthy())
	}
	c.r.opts.Window.Record(call)
	if c.r.opts.Observe != nil {
		c.r.opts.Observe(call)
	}
}
