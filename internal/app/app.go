package app

import (
	"context"
	"errors"
	"fmt"
	bsclient "github.com/kios-h2h/kios/client/basstore"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/callback"
	"github.com/kios-h2h/kios/internal/checkid"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	"github.com/kios-h2h/kios/internal/dialect"
	"github.com/kios-h2h/kios/internal/dialect/registry"
	"github.com/kios-h2h/kios/internal/member"
	"github.com/kios-h2h/kios/internal/metrics"
	"github.com/kios-h2h/kios/internal/notify"
	"github.com/kios-h2h/kios/internal/payment"
	payinbound "github.com/kios-h2h/kios/internal/payment/inbound"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/sqlite"
	"github.com/kios-h2h/kios/internal/storefront"
	"github.com/kios-h2h/kios/internal/supplier/simulator"
	"github.com/kios-h2h/kios/internal/upstream/connect"
	"github.com/kios-h2h/kios/internal/upstream/inbound"
	"github.com/kios-h2h/kios/internal/upstream/pull"
	"github.com/kios-h2h/kios/internal/upstream/route"
	"github.com/kios-h2h/kios/internal/web"
)

// App is a Kios server, built by New and run by Run.
type App struct {
	cfg  Config
	log  *slog.Logger
	db   *store.DB
	lock *sqlite.ServerLock
	svc  *core.Service
	// dialects are the reseller dialects served and their callback forms.
	dialects *dialect.Registry
	// router routes orders over the supplier registry (the simulator while none is registered).
	router *route.Router
	ln     net.Listener
	srv    *http.Server
	// adminLn and adminSrv serve the dashboard, admin API and /metrics; nil when disabled.
	adminLn  net.Listener
	adminSrv *http.Server
	ready    atomic.Bool
	// text runs the text channels' engine and transports; nil when off.
	text *textChannels

	closeOnce sync.Once
	closeErr  error
}

// New opens the database (migrating it), seeds the demo data if asked, and listens on cfg.Addr.
// Nothing is served until Run. On SQLite it first takes the database's server lock: only one
// server may work a database file's job queue, and holding the lock proves that leases left in
// the queue belong to a previous process of this server that died, so they are released at once
// and the orders it was fulfilling resume without waiting for their leases to run out.
func New(ctx context.Context, cfg Config) (*App, error) {
	cfg = cfg.withDefaults(os.Getenv)
	if cfg.NotifySMTPAddr != "" && cfg.NotifySMTPFrom == "" {
		// Every email would be refused for want of a sender: say so at start, not per notice.
		return nil, fmt.Errorf("--notify-smtp-addr needs --notify-smtp-from (env KIOS_NOTIFY_SMTP_FROM)")
	}
	a := &App{cfg: cfg, log: cfg.Logger, dialects: registry.Default()}
	if err := a.open(ctx); err != nil {
		_ = a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) open(ctx context.Context) error {
	cfg := a.cfg
	if err := a.openStore(ctx); err != nil {
		return err
	}
	m := metrics.New(a.db, a.log)
	sim := simulator.New(cfg.SimDelay)
	a.router = route.New(a.db, route.Options{Simulator: sim, Connect: connect.Connectors(connect.Options{Simulator: sim, Logger: a.log}), Logger: a.log,
		Meter: m.Supplier})
	// Listening before the handlers are built lets the demo's public URL be its own address.
	var err error
	if a.ln, err = net.Listen("tcp", cfg.Addr); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	checker, err := a.openCore(ctx, m)
	if err != nil {
		return err
	}
	guard := access.New(access.Policy{TrustedProxies: cfg.TrustedProxies, Rate: cfg.RateLimit, Burst: cfg.RateBurst,
		RefusalRate: float64(cfg.RefusalLimit) / 60, RefusalBurst: cfg.RefusalLimit})
	mux, publicAPI, err := a.publicMux(ctx, m, guard, checker)
	if err != nil {
		return err
	}
	a.srv = a.publicServer(mux)
	if err := a.openAdmin(m, guard, publicAPI); err != nil {
		return err
	}
	if cfg.Demo {
		return a.seedDemo(ctx)
	}
	return nil
}

// openStore takes the server lock of a SQLite file, opens the database and, on SQLite (one
// server per file), releases the job leases a previous run left.
func (a *App) openStore(ctx context.Context) error {
	cfg := a.cfg
	sqliteFile := backend.Kind(cfg.DB) == "sqlite"
	if sqliteFile {
		path := backend.SQLitePath(cfg.DB)
		if path == "" {
			return fmt.Errorf("database URL %q: no file path", cfg.DB)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return fmt.Errorf("database directory: %w", err)
		}
		lock, err := sqlite.LockServer(path)
		if err != nil {
			return err
		}
		a.lock = lock
	}
	db, err := backend.Open(ctx, cfg.DB, backend.Options{SecretKey: cfg.SecretKey, SecretKeyFile: cfg.SecretKeyFile})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	a.db = db
	if r := db.Secrets(); r != nil && r.Created() {
		a.log.Warn("made a new secret key file: it seals api keys and supplier secrets in the database; keep a copy apart from the backups (docs/SECURITY.md)",
			"file", r.File())
	}
	if sqliteFile {
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.JobReleaseAll(ctx) }); err != nil {
			return fmt.Errorf("release job leases: %w", err)
		}
	}
	return nil
}

// openCore makes the ID checker and the core over the store and router, and wires the core's
// state into the metrics. The public listener is open: the demo's public URL is its address.
func (a *App) openCore(ctx context.Context, m *metrics.Metrics) (*checkid.Checker, error) {
	cfg := a.cfg
	publicURL := cfg.PublicURL
	if publicURL == "" && cfg.Demo {
		publicURL = a.BaseURL()
	}
	// One ID checker (its cache and rate limits) for the reseller check-id endpoint, the store and
	// require_valid_id's refusals in every dialect.
	ups, err := a.upstreamCheckers(ctx)
	if err != nil {
		return nil, err
	}
	checker := checkid.New(checkid.Options{OnFee: func(ctx context.Context, provider string, fee int64) {
		a.svc.CheckFeeRecorder()(ctx, provider, fee) // a.svc is set below, before any request is served
	}}, checkProviders(cfg, ups...)...)
	a.svc, err = core.New(ctx, a.db, core.Config{Logger: a.log, Router: a.router, CallbackPublicOnly: !cfg.CallbackAllowPrivate,
		MaxLoss: cfg.MaxLoss, Alert: m.UpstreamAlert, PublicURL: publicURL, SNWait: cfg.SNWait, LowBalance: cfg.LowBalance, CheckID: checker})
	if err != nil {
		return nil, err
	}
	m.Upstream(func() metrics.UpstreamState {
		u := a.svc.Upstream()
		return metrics.UpstreamState{Inflight: u.Inflight, InflightMax: u.InflightMax, Claimed: u.Claimed}
	})
	m.LedgerCheck(func() metrics.LedgerCheckState {
		r, ran := a.svc.LastLedgerCheck()
		return metrics.LedgerCheckState{Ran: ran, OK: r.OK(), At: r.At, Took: r.Took}
	})
	return checker, nil
}

// publicMux routes the public listener: every dialect and their description, the suppliers' and
// payment gateways' callbacks, health, the member area, the store and the text channels.
func (a *App) publicMux(ctx context.Context, m *metrics.Metrics, guard *access.Guard, checker *checkid.Checker) (*http.ServeMux, []byte, error) {
	cfg := a.cfg
	mux := http.NewServeMux()
	// Every reseller dialect (BASSTORE, Digiswitch, Digiflazz, Otomax "via IP"), each at its own
	// routes (internal/dialect/registry lists them).
	a.dialects.Mount(mux, a.svc, dialect.Env{Guard: guard, Logger: a.log, MaxBody: cfg.MaxBody, CheckID: checker,
		PriceListEvery: cfg.PriceListEvery}, m.Middleware)
	// Their OpenAPI 3.1 descriptions, as one document.
	publicAPI, err := a.dialects.OpenAPI()
	if err != nil {
		return nil, nil, err
	}
	mux.Handle("GET /openapi.json", m.Middleware("openapi", dialect.ServeOpenAPI(publicAPI)))
	// Suppliers' callbacks, signed; they short-cut polling.
	supplierCallbacks := m.Middleware("callback", inbound.Handler(a.svc, a.router, a.log))
	mux.Handle("POST /callback/", supplierCallbacks)
	// Otomax/IRS centers report back by GET, the outcome in the query.
	mux.Handle("GET /callback/", supplierCallbacks)
	// Payment gateways' callbacks (issue 18), verified on the raw body by each provider's rule.
	mux.Handle("POST /callback/payment/{gateway}", m.Middleware("payment_callback", payinbound.Handler(a.svc, a.log)))
	// The sandbox gateway's pay link: pays by sending a Tripay-signed callback through the same path.
	sandboxPay := m.Middleware("sandbox_pay", payinbound.SandboxHandler(a.svc, a.log))
	mux.Handle("GET "+payment.SandboxPayPath+"{reference}", sandboxPay)
	mux.Handle("POST "+payment.SandboxPayPath+"{reference}", sandboxPay)
	mux.HandleFunc("GET /healthz", a.healthz)
	// The resellers' own member area: pages and a JSON API, on the listener they already call. The
	// seller name and the bank accounts are the operator's settings (kios settings, kios bank),
	// read at each use.
	memberH := m.Middleware("member", member.New(a.svc, member.Options{Guard: guard, SecureCookies: cfg.SecureCookies, Banks: a.svc,
		AllowPrivateCallbacks: cfg.CallbackAllowPrivate, Logger: a.log}))
	mux.Handle("/member/", memberH)
	mux.Handle("/member", memberH)
	// The store for end buyers (issue 19): "/" answered 404 before it, so it shadows nothing.
	if cfg.Storefront || cfg.Demo {
		shop := m.Middleware("storefront", storefront.New(a.svc, storefront.Options{Guard: guard, Logger: a.log, CheckID: checker}))
		for _, pattern := range storefront.Routes {
			mux.Handle(pattern, shop)
		}
	}
	// Text channels (Telegram, Jabber, WhatsApp): their webhooks, on the public listener.
	if err := a.openText(ctx, mux); err != nil {
		return nil, nil, err
	}
	return mux, publicAPI, nil
}

// publicServer is the public listener's server.
func (a *App) publicServer(mux *http.ServeMux) *http.Server {
	cfg := a.cfg
	return &http.Server{
		Handler: mux,
		// Bounds on every phase of a request, so a slow or idle client cannot hold a
		// connection (and its goroutine) forever.
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
}

// openAdmin opens the admin listener (dashboard, admin API, metrics) unless it is off.
func (a *App) openAdmin(m *metrics.Metrics, guard *access.Guard, publicAPI []byte) error {
	cfg := a.cfg
	if cfg.AdminAddr == "" || cfg.AdminAddr == "off" {
		return nil
	}
	var err error
	a.adminLn, err = net.Listen("tcp", cfg.AdminAddr)
	if err != nil {
		return fmt.Errorf("admin listen: %w", err)
	}
	a.adminSrv = &http.Server{
		Handler: web.New(a.svc, web.Options{Metrics: m, Guard: guard, SecureCookies: cfg.SecureCookies,
			PublicMetrics: cfg.PublicMetrics, PublicOpenAPI: publicAPI, Logger: a.log, Health: a.router, Pull: pull.Puller{Svc: a.svc, Router: a.router}}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	return nil
}

// seedDemo seeds the demo catalog, reseller, admin and sandbox gateway and prints the banner.
func (a *App) seedDemo(ctx context.Context) error {
	cfg := a.cfg
	seeded, err := demo.Seed(ctx, a.svc)
	if err != nil {
		return err
	}
	if a.adminLn != nil {
		// An existing admin keeps its password: the operator may have set it, and a restart
		// must not hand the dashboard to whoever reads this output.
		pw, err := admin.CreateAdmin(ctx, a.svc, "admin")
		switch {
		case errors.Is(err, store.ErrAdminTaken):
			fmt.Fprintf(cfg.Stdout, "\n Admin dashboard: %s/admin/  user: admin (exists; its password is kept: kios admin reset-password admin)\n\n", a.AdminURL())
		case err != nil:
			return fmt.Errorf("demo admin: %w", err)
		default:
			fmt.Fprintf(cfg.Stdout, "\n Admin dashboard: %s/admin/  user: admin  password: %s\n\n", a.AdminURL(), pw)
		}
	}
	a.log.Info("demo data seeded", "reseller", seeded.Reseller.Username, "created", seeded.Created,
		"products_added", seeded.Products, "variants_added", seeded.Variants)
	if err := demo.SandboxGateway(ctx, a.svc); err != nil {
		return err
	}
	portal, err := member.SetPassword(ctx, a.svc, seeded.Reseller.Username, 0)
	if err != nil {
		return fmt.Errorf("demo reseller password: %w", err)
	}
	writeBanner(cfg.Stdout, a.BaseURL(), seeded, portal)
	return nil
}

// Addr is the address the server listens on.
func (a *App) Addr() net.Addr { return a.ln.Addr() }

// BaseURL is a URL a client on this machine reaches the server by.
func (a *App) BaseURL() string {
	host, port, err := net.SplitHostPort(a.ln.Addr().String())
	if err != nil {
		return "http://" + a.ln.Addr().String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// AdminURL is the admin listener's base URL, or "" when it is off.
func (a *App) AdminURL() string {
	if a.adminLn == nil {
		return ""
	}
	return "http://" + a.adminLn.Addr().String()
}

// Service is the server's core service.
func (a *App) Service() *core.Service { return a.svc }

// SupplierChanged makes the router read the supplier registry again, for a supplier added
// through Service (the bench's upstream).
func (a *App) SupplierChanged() { a.router.Invalidate() }

// Run serves until ctx ends, then shuts down in order: stop accepting and let in-flight requests
// finish (up to ShutdownTimeout), then stop the workers (which let their in-flight jobs finish),
// then close the database. It returns nil after a clean shutdown.
func (a *App) Run(ctx context.Context) error {
	defer a.Close()
	serveErr := make(chan error, 2)
	go func() { serveErr <- a.srv.Serve(a.ln) }()
	if a.adminSrv != nil {
		go func() { serveErr <- a.adminSrv.Serve(a.adminLn) }()
	}

	// Workers outlive ctx until the HTTP server has drained: a request accepted just before
	// the signal queues a job that should still start.
	workCtx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWorkers()
	workersDone := make(chan error, 3)
	workers := 2
	if a.text != nil {
		workers++
		go a.text.run(workCtx, a.cfg.Node, workersDone)
	}
	go func() {
		workersDone <- a.svc.RunWorkers(workCtx, core.WorkerConfig{Node: a.cfg.Node, Workers: a.cfg.Workers, Lease: a.cfg.Lease,
			UpstreamTimeout: a.cfg.UpstreamTimeout})
	}()
	go func() {
		workersDone <- callback.Run(workCtx, a.svc, callback.Config{Node: a.cfg.Node, AllowPrivate: a.cfg.CallbackAllowPrivate, Dialects: a.dialects})
	}()
	if a.cfg.SyncEvery > 0 {
		go pull.Every(workCtx, a.svc, a.router, a.cfg.SyncEvery)
	}
	if a.cfg.Storefront || a.cfg.Demo {
		// Expires unpaid invoices and closes those whose order settled (refunds owed included).
		go a.svc.ShopEvery(workCtx, 2*time.Second)
		go storefront.Notices{Svc: a.svc, Notifier: buyerNotifier(a.cfg, a.log), PublicURL: a.svc.PublicURL(), Log: a.log}.Every(workCtx, 3*time.Second)
	}
	go a.saveRoutingStats(workCtx)
	if a.cfg.LedgerCheckEvery > 0 {
		go a.svc.LedgerCheckEvery(workCtx, a.cfg.LedgerCheckEvery)
	}
	go a.svc.PartitionsEvery(workCtx, time.Hour)
	a.ready.Store(true)
	a.log.Info("listening", "addr", a.ln.Addr().String(), "db", backend.Kind(a.cfg.DB), "workers", a.cfg.Workers,
		"sim_delay", a.cfg.SimDelay.String(), "demo", a.cfg.Demo)

	var runErr error
	select {
	case <-ctx.Done():
		a.log.Info("shutting down", "cause", context.Cause(ctx).Error())
	case err := <-serveErr:
		runErr = fmt.Errorf("serve: %w", err)
		a.log.Error("serve", "err", err)
	}
	a.ready.Store(false)

	shutCtx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := a.srv.Shutdown(shutCtx); err != nil {
		a.log.Warn("http shutdown cut short", "err", err)
		_ = a.srv.Close()
	}
	if a.adminSrv != nil {
		if err := a.adminSrv.Shutdown(shutCtx); err != nil {
			_ = a.adminSrv.Close()
		}
	}
	stopWorkers()
	for range workers {
		if err := <-workersDone; err != nil {
			runErr = errors.Join(runErr, fmt.Errorf("workers: %w", err))
		}
	}
	if err := a.Close(); err != nil {
		runErr = errors.Join(runErr, err)
	}
	if runErr == nil {
		a.log.Info("stopped")
	}
	return runErr
}

// Close releases the listener, the database and the server lock. Run calls it; call it yourself
// only when Run is never called.
func (a *App) Close() error {
	a.closeOnce.Do(func() {
		var errs []error
		if a.ln != nil {
			if err := a.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
		if a.adminLn != nil {
			if err := a.adminLn.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
		if a.db != nil {
			errs = append(errs, a.db.Close())
		}
		if a.lock != nil {
			errs = append(errs, a.lock.Release())
		}
		a.closeErr = errors.Join(errs...)
	})
	return a.closeErr
}

func (a *App) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !a.ready.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"status":"starting"}`+"\n")
		return
	}
	_, _ = io.WriteString(w, `{"status":"ok"}`+"\n")
}

// writeBanner shows the demo reseller's credentials once, on stdout (never in the logs).
func writeBanner(w io.Writer, baseURL string, s demo.Seeded, portal string) {
	verb := "created"
	if !s.Created {
		verb = "exists; its token was rotated"
	}
	fmt.Fprintf(w, `
==============================================================================
 Kios demo: reseller %q (tier %q) %s.
 It may call from this machine (loopback) only.

   token:   %s
   api key: %s

 Member area (the reseller's own pages): %s/member/
   username: %s  password: %s

 Top up without an operator: Deposit in the member area, pay by "QRIS" through the
 sandbox gateway (nothing is charged; its pay link credits the deposit at once).

 Store for end buyers: %s/  (retail prices; pay through the sandbox gateway)

 The token and password are shown only now; every start with --demo issues new ones.
 Try:

   curl -X POST %s/api/v1/balance -H "Authorization: Bearer %s" -H "Content-Type: application/json"

==============================================================================
`, s.Reseller.Username, s.Reseller.Membership, verb, s.Token, s.APIKey, baseURL, s.Reseller.Username, portal, baseURL, baseURL, s.Token)
}

// routingStatsEvery is how often the router's view of suppliers is saved for the CLI, the admin
// API and the other nodes.
const routingStatsEvery = 10 * time.Second

// saveRoutingStats saves the router's view of every supplier SKU until ctx ends.
func (a *App) saveRoutingStats(ctx context.Context) {
	t := time.NewTicker(routingStatsEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := a.svc.SaveRoutingStats(ctx, a.cfg.Node, a.router.Stats("")); err != nil && ctx.Err() == nil {
			a.log.Warn("save routing stats", "err", err)
		}
	}
}

// upstreamCheckers are the check-ID providers of the suppliers --checkid-supplier names: each a
// Kios upstream of kind basstore, asked about a product by the SKU of one of its variants mapped
// to that supplier (a game the supplier does not sell is not asked), through the supplier's own
// transport (its proxy and TLS settings) with a 3 s bound.
func (a *App) upstreamCheckers(ctx context.Context) ([]checkid.Provider, error) {
	var ps []checkid.Provider
	for _, name := range a.cfg.CheckIDSuppliers {
		sup, err := a.db.SupplierByName(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("--checkid-supplier %s: %w", name, err)
		}
		if sup.Kind != store.KindBasstore {
			return nil, fmt.Errorf("--checkid-supplier %s: kind %s, want basstore (a Kios upstream)", name, sup.Kind)
		}
		hc := &http.Client{Transport: connect.Transport(*sup),
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		ps = append(ps, &checkid.Upstream{Label: "supplier:" + name,
			Client: bsclient.NewClient(sup.BaseURL, sup.Token, bsclient.Options{HTTPClient: hc, Timeout: 3 * time.Second}),
			Code: func(ctx context.Context, product string) (string, error) {
				return a.svc.UpstreamCheckCode(ctx, name, product) // a.svc is set before any check
			}})
	}
	return ps, nil
}

// checkProviders are the game-ID check's providers in the order they are asked: the upstream
// suppliers that offer it (ups), the configured market services, else the simulator. The
// simulator is never a fallback behind a real service: it would call every ID that service
// could not check valid.
func checkProviders(cfg Config, ups ...checkid.Provider) []checkid.Provider {
	ps := append([]checkid.Provider(nil), ups...)
	if p := cfg.CheckIDVIP; p.URL != "" {
		ps = append(ps, checkid.NewVIPReseller(checkid.MarketConfig{BaseURL: p.URL, ID: p.ID, Key: p.Key, Fee: p.Fee}))
	}
	if p := cfg.CheckIDApigames; p.URL != "" {
		ps = append(ps, checkid.NewApigames(checkid.MarketConfig{BaseURL: p.URL, ID: p.ID, Key: p.Key, Fee: p.Fee}))
	}
	if len(ps) == 0 {
		ps = append(ps, checkid.Simulator{})
	}
	return ps
}

// buyerNotifier tells storefront buyers of their invoices: by WhatsApp and by email when each is
// configured (both at once through notify.Multi), else only in the log.
func buyerNotifier(cfg Config, log *slog.Logger) notify.Notifier {
	var ns []notify.Notifier
	if cfg.NotifyWhatsAppURL != "" {
		ns = append(ns, notify.Fonnte{URL: cfg.NotifyWhatsAppURL, Token: cfg.NotifyWhatsAppToken})
	}
	if cfg.NotifySMTPAddr != "" {
		ns = append(ns, notify.SMTP{Addr: cfg.NotifySMTPAddr, From: cfg.NotifySMTPFrom, Username: cfg.NotifySMTPUser, Password: cfg.NotifySMTPPassword})
	}
	switch len(ns) {
	case 0:
		return notify.Log{Logger: log}
	case 1:
		return ns[0]
	}
	return notify.Multi{Notifiers: ns, Logger: log}
}
