// Package bench measures a Kios server the way its resellers load it: many clients placing
// orders, asking balances and fetching price lists at once. With no target it starts a Kios of
// its own (internal/app) on a temporary database, with the simulator answering at once and rate
// limiting off, so that what is measured is Kios itself. With Baseline it also measures, in the
// same run, the two floors Kios is compared to: a bare net/http handler answering a fixed body,
// and the same database committing one minimal INSERT per transaction. Ratios to them compare
// across machines where absolute figures do not.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kios-h2h/kios/internal/store/backend"
)

// Config configures a run.
type Config struct {
	// Target is the base URL of a running Kios; "" starts an embedded one.
	Target string
	// Token authenticates against Target (a funded reseller's): a BASSTORE bearer token, or
	// "USERNAME:APIKEY" for Digiswitch; unused when embedded.
	Token string
	// Tokens, when set, replace Token: several resellers' credentials in the same form, client i
	// using Tokens[i mod len(Tokens)] (several nodes measured with many resellers each).
	Tokens []string
	// Dialect is the API spoken: "basstore" (default) or "digiswitch".
	Dialect string
	// Concurrency is how many clients run at once; default 64.
	Concurrency int
	// Resellers is how many resellers the embedded server's clients share, client i using
	// reseller i mod Resellers; 0 means one per client. One makes every order one hot
	// reseller's: its lock domain is then the bound (issue 23).
	Resellers int
	// Slots splits each embedded reseller's balance into that many balance slots
	// (core.Service.SetBalanceSlots), so that several write loops take one hot reseller's
	// orders at once; 0 leaves them whole.
	Slots int
	// Duration bounds each measured phase (run as five slices, alternating with its baseline);
	// default 10s unless Orders is set.
	Duration time.Duration
	// Orders, when > 0, ends each phase after that many requests instead.
	Orders int
	// Baseline also measures the static handler and the minimal-INSERT database.
	Baseline bool
	// DB is the embedded server's database URL; "" means a temporary SQLite file.
	DB string
	// SecretKey and SecretKeyFile unseal secrets at rest, as for serve (PostgreSQL keeps them
	// sealed and will not open without one); empty means the environment's, as app.Config.
	SecretKey, SecretKeyFile string
	// SKUs is how many variants the embedded catalog's price list holds; default 5000.
	SKUs int
	// Progress, when set, is called about ten times a second while a phase runs.
	Progress func(p Progress)
	// Log receives notes on what the run is doing ("" lines are not sent); nil discards them.
	Log io.Writer
	// SupplierLatency is how long the simulator's purchase takes (embedded only; default 0).
	// With it, orders are measured in one slice: each slice's fulfilment ends with one latency's
	// tail, which would otherwise weigh five times.
	SupplierLatency time.Duration
	// SupplierHTTP, when set (basstore, digiswitch or digiflazz), serves the simulator from a
	// second embedded Kios over that dialect on 127.0.0.1, registered as the supplier of every
	// bench SKU.
	SupplierHTTP string

	// Soak, when set, is given a line per SoakEvery accepted orders (embedded only): the orders
	// are placed in one phase, with fulfilment running alongside, so growth curves show.
	Soak      func(SoakLine)
	SoakEvery int // default DefaultSoakEvery

	// instant marks the comparison run of a latency run with Baseline: orders only.
	instant bool
}

// Progress is the state of the running phase.
type Progress struct {
	Phase    string
	Done     int64
	Total    int64 // 0 when the phase is bounded by time
	Elapsed  time.Duration
	Duration time.Duration // 0 when the phase is bounded by a count
}

// Result is a run's figures. Its JSON keys are a contract: scripts read them.
type Result struct {
	Target      string  `json:"target"`
	Dialect     string  `json:"dialect"`
	Database    string  `json:"database"`
	Concurrency int     `json:"concurrency"`
	SKUs        int     `json:"skus"`
	Accepted    int64   `json:"accepted"`
	Fulfilled   int64   `json:"fulfilled"`
	OrderSecs   float64 `json:"order_seconds"`
	// AcceptedPerS is orders accepted (answered with an invoice) per second of the order phase.
	AcceptedPerS float64 `json:"accepted_per_s"`
	// FulfilledPerS is orders made final per second. Embedded: over each order slice, from the
	// moment its first order was final to the moment its last was (a pipeline's throughput: with
	// a supplier latency L, the first answer comes L after the first order, and the last L after
	// the last, so the span is the time orders were being completed). A remote target: from
	// the slice's start to the moment its last order was final.
	FulfilledPerS float64 `json:"fulfilled_per_s"`
	// FinalAfterS is, summed over the slices, the time from each slice's start until its last
	// order was final: the wall-clock cost of the run's fulfilment, latency included.
	FinalAfterS float64 `json:"final_after_s"`
	// P50Ms, P95Ms, P99Ms are order acceptance latencies.
	P50Ms float64 `json:"p50_ms"`
	P95Ms float64 `json:"p95_ms"`
	P99Ms float64 `json:"p99_ms"`
	// Endpoints holds every phase's figures, by endpoint: "order", "balance", "pricelist",
	// and with Baseline "static" and "insert".
	Endpoints map[string]*Stats `json:"endpoints"`
	// Errors counts failed requests by code: the HTTP status ("409", "500") or "transport".
	Errors map[string]int64 `json:"errors"`
	// LedgerOK is the ledger check's verdict; false also when it could not be run (a remote
	// target), with LedgerNote saying why.
	LedgerOK   bool   `json:"ledger_ok"`
	LedgerNote string `json:"ledger_note,omitempty"`
	// OrdersVsInsert is accepted orders/s over minimal INSERT transactions/s; PricelistVsStatic
	// is price lists/s over static answers/s. Both only with Baseline.
	OrdersVsInsert    *float64 `json:"orders_vs_insert,omitempty"`
	PricelistVsStatic *float64 `json:"pricelist_vs_static,omitempty"`

	// SupplierLatencyMs and SupplierHTTP are the upstream the run bought from: the simulator
	// taking that long, in-process or over that dialect.
	SupplierLatencyMs float64 `json:"supplier_latency_ms"`
	SupplierHTTP      string  `json:"supplier_http,omitempty"`
	// UpstreamInflightMax is the most requests in flight upstream at once (embedded only).
	UpstreamInflightMax *int64 `json:"upstream_inflight_max,omitempty"`
	// With Baseline and a latency: fulfilled/s of the same workload with an instant supplier, and
	// FulfilledPerS over it.
	InstantFulfilledPerS *float64 `json:"instant_fulfilled_per_s,omitempty"`
	FulfilledVsInstant   *float64 `json:"fulfilled_vs_instant,omitempty"`
	// BacklogMax is the most orders queued for fulfilment at once while orders were placed,
	// sampled every 100 ms (embedded only).
	BacklogMax *int64 `json:"backlog_max,omitempty"`
	// FulfilledVsAccepted is FulfilledPerS over AcceptedPerS: below 1 the backlog grows.
	FulfilledVsAccepted *float64 `json:"fulfilled_vs_accepted,omitempty"`
	// DBBytesPerOrder is the database's growth over the run divided by the orders accepted
	// (embedded only; SQLite: pages in use; PostgreSQL: pg_database_size), and by table (and
	// SQLite index) where it grew.
	DBBytesPerOrder        *float64           `json:"db_bytes_per_order,omitempty"`
	DBBytesPerOrderByTable map[string]float64 `json:"db_bytes_per_order_by_table,omitempty"`
	// Cores is how many CPUs this process may use: with the CPU figures of Stats, the ceiling
	// of a request kind is Cores × 1e6 ÷ (cpu_us_per_op + db_cpu_us_per_op) per second.
	Cores int `json:"cores"`
	// RSSMB is the process's resident memory at the end of the order phase, in MB (Linux).
	RSSMB float64 `json:"rss_mb,omitempty"`
}

// Stats are one endpoint's figures.
type Stats struct {
	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	Seconds  float64 `json:"seconds"`
	PerS     float64 `json:"per_s"`
	P50Ms    float64 `json:"p50_ms"`
	P95Ms    float64 `json:"p95_ms"`
	P99Ms    float64 `json:"p99_ms"`
	Bytes    int64   `json:"bytes_per_answer,omitempty"`
	// CPUUsPerOp is this process's CPU time per request, in µs: the embedded server's and the
	// bench's clients' (with --target, the clients' only). For orders it runs until they are
	// final, so it holds their fulfilment too. Linux only.
	CPUUsPerOp *float64 `json:"cpu_us_per_op,omitempty"`
	// DBCPUUsPerOp is the CPU time per request of the PostgreSQL backends serving the run's
	// database, when it is on this machine (--db postgres://127.0.0.1/…).
	DBCPUUsPerOp *float64 `json:"db_cpu_us_per_op,omitempty"`
	// MachineBusy is the share of all the machine's cores that were busy meanwhile (0–1): near 1,
	// the run was bound by CPU, whoever used it.
	MachineBusy *float64 `json:"machine_busy,omitempty"`
}

func (c *Config) defaults() error {
	if c.Dialect == "" {
		c.Dialect = "basstore"
	}
	if c.Dialect != "basstore" && c.Dialect != "digiswitch" {
		return fmt.Errorf("dialect %q: want basstore or digiswitch", c.Dialect)
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 64
	}
	if c.Duration <= 0 && c.Orders <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.SKUs <= 0 {
		c.SKUs = 5000
	}
	if c.Target != "" && c.Token == "" && len(c.Tokens) == 0 {
		return errors.New("a target needs a token")
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	switch c.SupplierHTTP {
	case "", "basstore", "digiswitch", "digiflazz":
	default:
		return fmt.Errorf("supplier-http %q: want basstore, digiswitch or digiflazz", c.SupplierHTTP)
	}
	if c.SupplierLatency < 0 {
		return errors.New("the supplier latency cannot be negative")
	}
	if c.Target != "" && c.Soak != nil {
		return errors.New("a soak run watches the embedded server's queue and database; it takes no target")
	}
	if c.Target != "" && (c.SupplierLatency > 0 || c.SupplierHTTP != "") {
		return errors.New("a supplier latency or an HTTP supplier is for the embedded server; a target has its own suppliers")
	}
	return nil
}

// Run runs the benchmark.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	r := &run{cfg: cfg, res: &Result{Dialect: cfg.Dialect, Concurrency: cfg.Concurrency, Endpoints: map[string]*Stats{},
		Errors: map[string]int64{}, SupplierLatencyMs: ms(cfg.SupplierLatency), SupplierHTTP: cfg.SupplierHTTP,
		Cores: runtime.GOMAXPROCS(0)}, cpu: newCPUMeter(cfg.DB)}
	defer r.close()
	r.httpc = newHTTPClient(cfg.Concurrency)
	r.onClose(r.httpc.CloseIdleConnections)
	if err := r.openTarget(ctx); err != nil {
		return nil, err
	}
	if err := r.openInsertBaseline(ctx); err != nil {
		return nil, err
	}
	// Each measurement runs in slices, alternating with its baseline, so that a machine whose
	// load changes during the run (other work on a shared host) weighs on both alike.
	r.slices = sliceCount(cfg)
	if err := r.measureOrders(ctx); err != nil {
		return nil, err
	}
	if cfg.instant {
		r.res.LedgerOK, r.res.LedgerNote = r.tgt.ledgerCheck(ctx)
		return r.res, nil
	}
	if err := r.measureInstant(ctx); err != nil {
		return nil, err
	}
	if err := r.measurePriceLists(ctx); err != nil {
		return nil, err
	}
	if err := r.measureBalance(ctx); err != nil {
		return nil, err
	}
	r.res.LedgerOK, r.res.LedgerNote = r.tgt.ledgerCheck(ctx)
	r.baselineRatios()
	return r.res, nil
}

// run is one Run's state, filled step by step: what it measures against, the baselines, the
// result, and what to close at its end (in reverse order).
type run struct {
	cfg      Config
	res      *Result
	httpc    *http.Client
	tgt      *target
	drv      driver
	workDir  string // the temporary directory of the embedded server and the SQLite baseline
	insertDB *insertBase
	inserts  *raw // the insert baseline's slices, run between the order slices
	slices   int
	cpu      *cpuMeter
	closers  []func()
}

// phase is runPhase with the CPU the phase used.
func (r *run) phase(ctx context.Context, cfg Config, name string, fn op) (*raw, error) {
	c0 := r.cpu.read()
	ph, err := runPhase(ctx, cfg, name, fn)
	if err == nil {
		ph.cpu.add(c0, r.cpu.read())
	}
	return ph, err
}

func (r *run) onClose(f func()) { r.closers = append(r.closers, f) }

func (r *run) close() {
	for i := len(r.closers) - 1; i >= 0; i-- {
		r.closers[i]()
	}
}

// tempDir is the run's temporary directory, made on first use and removed at the end.
func (r *run) tempDir() (string, error) {
	if r.workDir == "" {
		dir, err := os.MkdirTemp("", "kios-bench-")
		if err != nil {
			return "", err
		}
		r.workDir = dir
		r.onClose(func() { os.RemoveAll(dir) })
	}
	return r.workDir, nil
}

// openTarget starts the embedded server, or names the remote one with its credentials, and
// makes the driver that speaks the dialect to it.
func (r *run) openTarget(ctx context.Context) error {
	cfg, res := r.cfg, r.res
	if cfg.Target == "" {
		dir, err := r.tempDir()
		if err != nil {
			return err
		}
		emb, err := startEmbedded(ctx, cfg, dir)
		if err != nil {
			return err
		}
		r.onClose(emb.stop)
		r.tgt = emb.target
		res.Database = emb.dbKind
		res.SKUs = cfg.SKUs
		fmt.Fprintf(cfg.Log, "embedded kios at %s on %s, %d resellers, %d SKUs\n", r.tgt.base, emb.dbKind, len(r.tgt.creds), cfg.SKUs)
	} else {
		tgt, err := remoteTarget(cfg)
		if err != nil {
			return err
		}
		r.tgt = tgt
		res.Database = "remote"
	}
	res.Target = r.tgt.base
	drv, err := newDriver(cfg.Dialect, r.httpc, r.tgt)
	if err != nil {
		return err
	}
	r.drv = drv
	return nil
}

// remoteTarget is a running Kios with the credentials of Token or Tokens.
func remoteTarget(cfg Config) (*target, error) {
	tokens := cfg.Tokens
	if len(tokens) == 0 {
		tokens = []string{cfg.Token}
	}
	tgt := &target{base: cfg.Target}
	for _, tok := range tokens {
		c := cred{token: tok}
		if cfg.Dialect == "digiswitch" {
			u, k, ok := strings.Cut(tok, ":")
			if !ok {
				return nil, errors.New("a digiswitch target's token is USERNAME:APIKEY")
			}
			c = cred{username: u, apiKey: k}
		}
		tgt.creds = append(tgt.creds, c)
	}
	return tgt, nil
}

// openInsertBaseline opens the minimal-INSERT database of --baseline: beside the embedded one,
// on the same disk; or the same PostgreSQL.
func (r *run) openInsertBaseline(ctx context.Context) error {
	r.inserts = newRaw()
	if !r.cfg.Baseline {
		return nil
	}
	dbURL := r.cfg.DB
	if dbURL == "" {
		dir, err := r.tempDir()
		if err != nil {
			return err
		}
		dbURL = "sqlite:" + filepath.Join(dir, "baseline.db")
	}
	db, err := openInsertBase(ctx, dbURL, backend.Options{SecretKey: r.cfg.SecretKey, SecretKeyFile: r.cfg.SecretKeyFile})
	if err != nil {
		return fmt.Errorf("insert baseline: %w", err)
	}
	r.insertDB = db
	r.onClose(db.close)
	return nil
}

// measureOrders places orders in slices, each followed by the wait until they are final (so
// fulfilment is measured, and its work does not fall into the next slice of anything else) and
// by the insert baseline's slice; then it fills the order figures of the result.
func (r *run) measureOrders(ctx context.Context) error {
	cfg, res, tgt := r.cfg, r.res, r.tgt
	var seq, accepted atomic.Int64
	orders := newRaw()
	var (
		mon     *monitor
		size0   int64
		tables0 map[string]int64
		err     error
	)
	if tgt.svc != nil {
		if size0, err = tgt.svc.DatabaseSize(ctx); err != nil {
			return err
		}
		tables0, _ = tgt.svc.TableSizes(ctx)
		mon = startMonitor(ctx, tgt.svc, cfg, &accepted, size0)
	}
	var fulfilTime, fulfilWindow time.Duration
	for s := 0; s < r.slices; s++ {
		sc := sliceConfig(cfg, s, r.slices)
		// Each invoice is kept only for a remote target, whose orders are asked one by one; an
		// embedded server is asked for its Pending orders. A soak run of 10M orders would
		// otherwise hold every invoice, and its RSS line would show the bench's own growth.
		var invoices [][]string
		if tgt.svc == nil {
			invoices = make([][]string, cfg.Concurrency)
		}
		var placed atomic.Int64
		start, c0 := time.Now(), r.cpu.read()
		ph, err := runPhase(ctx, sc, phaseName("order", s, r.slices), func(ctx context.Context, worker int) (int, error) {
			inv, err := r.drv.order(ctx, worker, seq.Add(1))
			if err == nil {
				if invoices != nil {
					invoices[worker] = append(invoices[worker], inv)
				}
				placed.Add(1)
				accepted.Add(1)
			}
			return 0, err
		})
		if err != nil {
			return err
		}
		fr := tgt.waitFinal(ctx, r.drv, invoices, placed.Load(), start)
		if fr.err != nil {
			return fmt.Errorf("waiting for orders to be final: %w", fr.err)
		}
		ph.cpu.add(c0, r.cpu.read()) // until final: fulfilment is part of an order's cost
		orders.add(ph)
		res.Fulfilled += fr.final
		fulfilTime += fr.last
		fulfilWindow += fr.window
		if r.insertDB != nil {
			ph, err := r.phase(ctx, sc, phaseName("insert", s, r.slices), r.insertDB.op())
			if err != nil {
				return fmt.Errorf("insert baseline: %w", err)
			}
			r.inserts.add(ph)
		}
	}
	st := orders.stats()
	res.Endpoints["order"] = st
	res.Accepted = st.Requests - st.Errors
	res.OrderSecs = st.Seconds
	res.AcceptedPerS = round2(float64(res.Accepted) / st.Seconds)
	res.P50Ms, res.P95Ms, res.P99Ms = st.P50Ms, st.P95Ms, st.P99Ms
	res.FinalAfterS = round2(fulfilTime.Seconds())
	switch {
	case fulfilWindow > 0:
		res.FulfilledPerS = round2(float64(res.Fulfilled) / fulfilWindow.Seconds())
	case fulfilTime > 0:
		res.FulfilledPerS = round2(float64(res.Fulfilled) / fulfilTime.Seconds())
	}
	maps.Copy(res.Errors, orders.errs)
	if res.AcceptedPerS > 0 && res.FulfilledPerS > 0 {
		f := round2(res.FulfilledPerS / res.AcceptedPerS)
		res.FulfilledVsAccepted = &f
	}
	if mon != nil {
		b := mon.finish()
		res.BacklogMax = &b
		res.DBBytesPerOrder, res.DBBytesPerOrderByTable = growth(ctx, tgt.svc, size0, tables0, res.Accepted)
	}
	res.RSSMB = rssMB()
	if tgt.svc != nil {
		m := tgt.svc.Upstream().InflightMax
		res.UpstreamInflightMax = &m
	}
	return nil
}

// measureInstant, with --baseline and a supplier latency, runs the same workload from a fresh
// server with a supplier that answers at once, for fulfilled_vs_instant.
func (r *run) measureInstant(ctx context.Context) error {
	if !r.cfg.Baseline || r.cfg.SupplierLatency <= 0 {
		return nil
	}
	ic := r.cfg
	ic.SupplierLatency, ic.Baseline, ic.instant = 0, false, true
	fmt.Fprintf(r.cfg.Log, "the same orders with an instant supplier\n")
	inst, err := Run(ctx, ic)
	if err != nil {
		return fmt.Errorf("instant supplier: %w", err)
	}
	r.res.InstantFulfilledPerS = &inst.FulfilledPerS
	if inst.FulfilledPerS > 0 {
		f := round2(r.res.FulfilledPerS / inst.FulfilledPerS)
		r.res.FulfilledVsInstant = &f
	}
	return nil
}

// measurePriceLists asks for the price list in slices, alternating with the static baseline
// serving the same bytes.
func (r *run) measurePriceLists(ctx context.Context) error {
	cfg, res := r.cfg, r.res
	var static *staticServer
	lists, statics := newRaw(), newRaw()
	for s := 0; s < r.slices; s++ {
		sc := sliceConfig(cfg, s, r.slices)
		ph, err := r.phase(ctx, sc, phaseName("pricelist", s, r.slices), r.drv.priceList)
		if err != nil {
			return err
		}
		lists.add(ph)
		if !cfg.Baseline {
			continue
		}
		if static == nil {
			// It serves the price list Kios served, so that both move the same bytes.
			if static, err = startStatic(r.drv.lastPriceList()); err != nil {
				return fmt.Errorf("static baseline: %w", err)
			}
			r.onClose(static.close)
		}
		ph, err = r.phase(ctx, sc, phaseName("static", s, r.slices), static.op(r.httpc))
		if err != nil {
			return fmt.Errorf("static baseline: %w", err)
		}
		statics.add(ph)
	}
	res.Endpoints["pricelist"] = lists.stats()
	for k, v := range lists.errs {
		res.Errors[k] += v
	}
	if cfg.Baseline {
		res.Endpoints["static"] = statics.stats()
	}
	return nil
}

// measureBalance asks for the balance, in one phase.
func (r *run) measureBalance(ctx context.Context) error {
	ph, err := r.phase(ctx, r.cfg, "balance", r.drv.balance)
	if err != nil {
		return err
	}
	bal := newRaw()
	bal.add(ph)
	r.res.Endpoints["balance"] = bal.stats()
	for k, v := range bal.errs {
		r.res.Errors[k] += v
	}
	return nil
}

// baselineRatios compares, with --baseline, orders with the insert baseline and the price list
// with the static one.
func (r *run) baselineRatios() {
	if !r.cfg.Baseline {
		return
	}
	res := r.res
	res.Endpoints["insert"] = r.inserts.stats()
	if ins := res.Endpoints["insert"].PerS; ins > 0 {
		f := round2(res.AcceptedPerS / ins)
		res.OrdersVsInsert = &f
	}
	if s := res.Endpoints["static"].PerS; s > 0 {
		f := round2(res.Endpoints["pricelist"].PerS / s)
		res.PricelistVsStatic = &f
	}
}

// sliceCount is how many slices each measurement is cut into.
func sliceCount(cfg Config) int {
	if cfg.SupplierLatency > 0 || cfg.instant || cfg.Soak != nil {
		return 1
	}
	if cfg.Orders > 0 {
		return max(1, min(5, cfg.Orders))
	}
	return 5
}

// sliceConfig bounds slice s of n: its share of the duration or of the request count.
func sliceConfig(cfg Config, s, n int) Config {
	sc := cfg
	if cfg.Orders > 0 {
		sc.Orders = cfg.Orders / n
		if s < cfg.Orders%n {
			sc.Orders++
		}
	} else {
		sc.Duration = cfg.Duration / time.Duration(n)
	}
	return sc
}

func phaseName(name string, s, n int) string {
	if n == 1 {
		return name
	}
	return fmt.Sprintf("%s %d/%d", name, s+1, n)
}

// raw accumulates a measurement's slices.
type raw struct {
	lats    []time.Duration
	elapsed time.Duration
	failed  int64
	bytes   int64
	errs    map[string]int64
	cpu     cpuUse
}

func newRaw() *raw { return &raw{errs: map[string]int64{}} }

func (r *raw) add(o *raw) {
	r.lats = append(r.lats, o.lats...)
	r.elapsed += o.elapsed
	r.failed += o.failed
	if o.bytes > 0 {
		r.bytes = o.bytes
	}
	for k, v := range o.errs {
		r.errs[k] += v
	}
	r.cpu.merge(o.cpu)
}

func (r *raw) stats() *Stats {
	st := latencyStats(r.lats, r.elapsed)
	st.Errors = r.failed
	st.Bytes = r.bytes
	r.cpu.fill(st, st.Requests)
	return st
}

// op is one request of a phase; it returns the answer's size in bytes (0 if not counted).
type op func(ctx context.Context, worker int) (int, error)

// runPhase runs op from cfg.Concurrency clients until the phase's bound and returns what it
// measured.
func runPhase(ctx context.Context, cfg Config, name string, fn op) (*raw, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		issued  atomic.Int64
		done    atomic.Int64
		failed  atomic.Int64
		bytes   atomic.Int64
		mu      sync.Mutex
		lats    []time.Duration
		codeErr = map[string]int64{}
	)
	total := int64(cfg.Orders)
	var deadline time.Time
	begin := time.Now()
	if cfg.Orders <= 0 {
		deadline = begin.Add(cfg.Duration)
	}
	stopProgress := progress(cfg, name, total, &done, begin)
	var wg sync.WaitGroup
	for w := 0; w < cfg.Concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			mine := make([]time.Duration, 0, 1024)
			myErr := map[string]int64{}
			for ctx.Err() == nil {
				if total > 0 {
					if issued.Add(1) > total {
						break
					}
				} else if time.Now().After(deadline) {
					break
				}
				t0 := time.Now()
				n, err := fn(ctx, w)
				d := time.Since(t0)
				if ctx.Err() != nil {
					break
				}
				mine = append(mine, d)
				if err != nil {
					failed.Add(1)
					myErr[errorCode(err)]++
				} else if n > 0 {
					bytes.Store(int64(n))
				}
				done.Add(1)
			}
			mu.Lock()
			lats = append(lats, mine...)
			for k, v := range myErr {
				codeErr[k] += v
			}
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(begin)
	stopProgress()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &raw{lats: lats, elapsed: elapsed, failed: failed.Load(), bytes: bytes.Load(), errs: codeErr}, nil
}

func progress(cfg Config, phase string, total int64, done *atomic.Int64, begin time.Time) func() {
	if cfg.Progress == nil {
		return func() {}
	}
	stop := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			p := Progress{Phase: phase, Done: done.Load(), Total: total, Elapsed: time.Since(begin)}
			if total == 0 {
				p.Duration = cfg.Duration
			}
			cfg.Progress(p)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(stop); <-finished }
}

func latencyStats(lats []time.Duration, elapsed time.Duration) *Stats {
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	st := &Stats{Requests: int64(len(lats)), Seconds: round2(elapsed.Seconds())}
	if elapsed > 0 {
		st.PerS = round2(float64(len(lats)) / elapsed.Seconds())
	}
	st.P50Ms = ms(quantile(lats, 0.50))
	st.P95Ms = ms(quantile(lats, 0.95))
	st.P99Ms = ms(quantile(lats, 0.99))
	return st
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i]
}

func ms(d time.Duration) float64 { return round2(float64(d) / float64(time.Millisecond)) }

func round2(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 2, 64), 64)
	return v
}

// codeError is a request answered with an error; code is how Result.Errors counts it: the
// HTTP status for BASSTORE ("409"), "rc" and the rc for Digiswitch ("rc44").
type codeError struct {
	code string
	msg  string
}

func (e *codeError) Error() string { return e.code + " " + e.msg }

func httpError(status int, msg string) *codeError {
	return &codeError{code: strconv.Itoa(status), msg: msg}
}

func errorCode(err error) string {
	var ce *codeError
	if errors.As(err, &ce) {
		return ce.code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	return "transport"
}

func newHTTPClient(conc int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = conc * 2
	tr.MaxIdleConnsPerHost = conc * 2
	tr.MaxConnsPerHost = conc * 2
	tr.DisableCompression = true
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}
