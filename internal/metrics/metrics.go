// Package metrics exposes Kios to Prometheus: request latency per endpoint (an HTTP middleware
// labelled by route pattern, never by raw path, so label values stay few), supplier latency and
// errors (a decorator around each supplier's connection), and, read from the database at scrape time,
// orders by status and product, queue depth and the balances owed to resellers. Counting from
// the database rather than in memory keeps the numbers right across restarts and nodes.
package metrics

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
)

// Metrics holds Kios's collectors on a registry of its own (no global registry).
type Metrics struct {
	reg         *prometheus.Registry
	httpLatency *prometheus.HistogramVec
	supLatency  *prometheus.HistogramVec
	supResults  *prometheus.CounterVec
	supErrors   *prometheus.CounterVec
	alerts      *prometheus.CounterVec
}

// Counts are the reads the database gauges take when scraped: the core service's (or, in a test,
// the store's own).
type Counts interface {
	OrderCountsByProduct(ctx context.Context) ([]store.OrderCount, error)
	JobCounts(ctx context.Context) (map[string]int64, error)
	BalancesOwed(ctx context.Context) (int64, error)
	OrderFlagCount(ctx context.Context, flag string) (int64, error)
}

// New registers Kios's metrics; db, when not nil, is read at scrape time.
func New(db Counts, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.Default()
	}
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.httpLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "kios_http_request_duration_seconds",
		Help:    "Latency of HTTP requests by handler, route pattern, method and status code.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"handler", "route", "method", "code"})
	m.supLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "kios_supplier_request_duration_seconds",
		Help:    "Latency of calls to upstream suppliers by supplier and operation (purchase, status).",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"supplier", "op"})
	m.supResults = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kios_supplier_results_total",
		Help: "Answers from upstream suppliers by supplier, operation and state (success, failed, pending, unknown).",
	}, []string{"supplier", "op", "state"})
	m.supErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kios_supplier_errors_total",
		Help: "Calls to upstream suppliers that returned an error (transport failure, timeout, unreadable answer).",
	}, []string{"supplier", "op"})
	m.alerts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kios_upstream_alerts_total",
		Help: "Upstream money alerts by kind (over_limit, price_changed, cost_above_limit, …): each is also logged at error level with its order.",
	}, []string{"kind"})
	m.reg.MustRegister(m.httpLatency, m.supLatency, m.supResults, m.supErrors, m.alerts,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil {
		m.reg.MustRegister(&dbCollector{db: db, log: log, ttl: 5 * time.Second})
	}
	return m
}

// UpstreamAlert counts one upstream money alert of kind (core.Config.Alert).
func (m *Metrics) UpstreamAlert(kind string) { m.alerts.WithLabelValues(kind).Inc() }

// Registry is the registry, for tests and for other packages to add collectors to.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// routeLookup is what *http.ServeMux offers: the pattern a request would match, without serving it.
type routeLookup interface {
	Handler(r *http.Request) (http.Handler, string)
}

// Middleware times every request h serves, labelled with name (e.g. "basstore") and the route
// pattern that matched ("POST /api/v1/order"). When h is a *http.ServeMux, the pattern is looked up
// before serving; otherwise it is read from r.Pattern afterwards, which a ServeMux sets. Requests
// no pattern matched are labelled "unmatched", so scanners cannot blow up the label set.
func (m *Metrics) Middleware(name string, h http.Handler) http.Handler {
	mux, _ := h.(routeLookup)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var route string
		if mux != nil {
			_, route = mux.Handler(r)
		}
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if route == "" {
			route = r.Pattern
		}
		if route == "" {
			route = "unmatched"
		}
		m.httpLatency.WithLabelValues(name, route, r.Method, strconv.Itoa(sw.code())).Observe(time.Since(start).Seconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap lets http.ResponseController reach the underlying writer (flush, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Supplier wraps c, the connector of the supplier registered as name, so that every Purchase,
// Status and started purchase is timed and its outcome counted under that name. It is the
// router's Meter (route.Options): wrapped beneath the circuit breaker, it counts the calls that
// reach the connector, each once; every other capability is forwarded as it is, uncounted.
func (m *Metrics) Supplier(name string, c supplier.Connection) supplier.Connection {
	return &instrumented{Connection: c, name: name, m: m}
}

type instrumented struct {
	supplier.Connection
	name string
	m    *Metrics
}

func (i *instrumented) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	start := time.Now()
	res, err := i.Connection.Purchase(ctx, req)
	i.m.observe(i.name, "purchase", time.Since(start), res.State, err)
	return res, err
}

func (i *instrumented) StartPurchase(ctx context.Context, req supplier.Request, done func(supplier.Result, error)) {
	start := time.Now()
	i.Connection.StartPurchase(ctx, req, func(res supplier.Result, err error) {
		i.m.observe(i.name, "purchase", time.Since(start), res.State, err)
		done(res, err)
	})
}

func (i *instrumented) Status(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	start := time.Now()
	res, err := i.Connection.Status(ctx, req)
	i.m.observe(i.name, "status", time.Since(start), res.State, err)
	return res, err
}

// observe records one call to a supplier.
func (m *Metrics) observe(name, op string, d time.Duration, state supplier.State, err error) {
	m.supLatency.WithLabelValues(name, op).Observe(d.Seconds())
	if err != nil {
		m.supErrors.WithLabelValues(name, op).Inc()
		state = supplier.Unknown
	}
	if state == "" {
		state = supplier.Unknown
	}
	m.supResults.WithLabelValues(name, op, string(state)).Inc()
}

// dbCollector reads counts from the database when scraped, at most once per ttl: the order count
// is a full GROUP BY, which several Prometheus servers scraping at once should not repeat.
type dbCollector struct {
	db  Counts
	log *slog.Logger
	ttl time.Duration

	mu      sync.Mutex
	at      time.Time
	metrics []prometheus.Metric
}

var (
	descOrders = prometheus.NewDesc("kios_orders", "Orders by product and status.", []string{"product", "status"}, nil)
	descJobs   = prometheus.NewDesc("kios_queue_jobs", "Jobs waiting in the durable queue, by kind.", []string{"kind"}, nil)
	descOwed   = prometheus.NewDesc("kios_balances_owed_rupiah", "What Kios owes its resellers: the sum of their available and held balances.", nil, nil)
	descUp     = prometheus.NewDesc("kios_database_up", "1 when the last scrape could read the database.", nil, nil)
	descLate   = prometheus.NewDesc("kios_late_deliveries_total",
		"Orders a supplier delivered after Kios had refunded them (flagged late_delivery): the cost is posted, the operator must recover the sale.", nil, nil)
)

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descOrders
	ch <- descJobs
	ch <- descOwed
	ch <- descUp
	ch <- descLate
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) >= c.ttl || c.metrics == nil {
		c.metrics = c.read()
		c.at = time.Now()
	}
	for _, m := range c.metrics {
		ch <- m
	}
}

func (c *dbCollector) read() []prometheus.Metric {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []prometheus.Metric
	var errs []error
	counts, err := c.db.OrderCountsByProduct(ctx)
	errs = append(errs, err)
	for _, oc := range counts {
		out = append(out, prometheus.MustNewConstMetric(descOrders, prometheus.GaugeValue, float64(oc.Count), oc.Product, oc.Status))
	}
	jobs, err := c.db.JobCounts(ctx)
	errs = append(errs, err)
	for _, kind := range []string{store.JobFulfil, store.JobCallback} {
		if _, ok := jobs[kind]; !ok && err == nil {
			jobs[kind] = 0
		}
	}
	for kind, n := range jobs {
		out = append(out, prometheus.MustNewConstMetric(descJobs, prometheus.GaugeValue, float64(n), kind))
	}
	owed, err := c.db.BalancesOwed(ctx)
	errs = append(errs, err)
	if err == nil {
		out = append(out, prometheus.MustNewConstMetric(descOwed, prometheus.GaugeValue, float64(owed)))
	}
	// Counted from the flags, not in memory: right across restarts and nodes.
	late, err := c.db.OrderFlagCount(ctx, store.FlagLateDelivery)
	errs = append(errs, err)
	if err == nil {
		out = append(out, prometheus.MustNewConstMetric(descLate, prometheus.CounterValue, float64(late)))
	}
	up := 1.0
	if err := errors.Join(errs...); err != nil {
		c.log.Error("metrics: read database", "err", err)
		up = 0
	}
	return append(out, prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, up))
}
