package cli

import (
	"context"
	"flag"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/kios-h2h/kios/internal/app"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/backend"
)

func runServe(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("serve")
	f := e.serveFlags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	cfg, err := e.serveConfig(f)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal starts a graceful shutdown, a second one kills at once: the
		// database is safe either way, and an operator pressing Ctrl-C twice means it.
		<-ctx.Done()
		stop()
	}()
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	return a.Run(ctx)
}

// serveOpts is the serve command's flags: the app.Config they fill, and the few that are
// turned into its fields only once parsed.
type serveOpts struct {
	cfg          app.Config
	proxies      prefixes
	checkSups    string
	textChannels bool
}

// serveFlags defines the flags of what the server offers: listeners, storefront, notices,
// ID checks. The defaults of several come from the environment, so a deployment configures
// them once.
func (e *Env) serveFlags(fs *flag.FlagSet) *serveOpts {
	f := &serveOpts{}
	cfg := &f.cfg
	addr := e.Getenv("KIOS_ADDR")
	if addr == "" {
		addr = app.DefaultAddr
	}
	fs.StringVar(&cfg.Addr, "addr", addr, "listen address (env KIOS_ADDR); port 0 picks a free port")
	adminAddr := e.Getenv("KIOS_ADMIN_ADDR")
	if adminAddr == "" {
		adminAddr = app.DefaultAdminAddr
	}
	fs.StringVar(&cfg.AdminAddr, "admin-addr", adminAddr, "admin dashboard, admin API and /metrics address (env KIOS_ADMIN_ADDR); off to serve none")
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", false, "mark session cookies (admin dashboard and member area) Secure (when a TLS proxy is in front)")
	fs.BoolVar(&cfg.PublicMetrics, "public-metrics", false, "serve /metrics without an admin token")
	fs.BoolVar(&cfg.Demo, "demo", false, "seed the demo catalog and reseller, enable the sandbox payment gateway, and print the reseller's token")
	fs.BoolVar(&cfg.Storefront, "storefront", false, "serve the store for end buyers on the public listener (/, /p/{product}, /invoice/{invoice}, /cek, /shop/api/); on with --demo")
	fs.StringVar(&cfg.NotifyWhatsAppURL, "notify-whatsapp-url", e.Getenv("KIOS_NOTIFY_WHATSAPP_URL"), "send storefront buyers their invoice's news by WhatsApp through a Fonnte-style gateway at this URL, e.g. https://api.fonnte.com/send, with the token in env KIOS_NOTIFY_WHATSAPP_TOKEN (env KIOS_NOTIFY_WHATSAPP_URL; default: only logged)")
	fs.StringVar(&cfg.NotifySMTPAddr, "notify-smtp-addr", e.Getenv("KIOS_NOTIFY_SMTP_ADDR"), "also tell storefront buyers who gave an email, through this SMTP server host:port (STARTTLS when offered, implicit TLS on 465), login in env KIOS_NOTIFY_SMTP_USER and KIOS_NOTIFY_SMTP_PASSWORD (env KIOS_NOTIFY_SMTP_ADDR)")
	fs.StringVar(&cfg.NotifySMTPFrom, "notify-smtp-from", e.Getenv("KIOS_NOTIFY_SMTP_FROM"), "the notices' sender, e.g. \"Toko Kios <toko@example.com>\" (env KIOS_NOTIFY_SMTP_FROM)")
	fs.StringVar(&f.checkSups, "checkid-supplier", e.Getenv("KIOS_CHECKID_SUPPLIERS"), "check game IDs first with these suppliers, comma-separated names of --kind basstore suppliers that are themselves a Kios (their POST /api/v1/check-id), asked in this order before the market services (env KIOS_CHECKID_SUPPLIERS)")
	fs.StringVar(&cfg.CheckIDVIP.URL, "checkid-vip-url", e.Getenv("KIOS_CHECKID_VIP_URL"), "check game IDs with VIP Reseller's game-feature get-nickname at this API base, e.g. https://vip-reseller.co.id/api, API ID and key in env KIOS_CHECKID_VIP_ID and KIOS_CHECKID_VIP_KEY (env KIOS_CHECKID_VIP_URL; default with no check service: the simulator)")
	fs.Int64Var(&cfg.CheckIDVIP.Fee, "checkid-vip-fee", 0, "rupiah VIP Reseller charges per answered ID check, posted in the ledger (checkid:vip → checkid_fees)")
	fs.StringVar(&cfg.CheckIDApigames.URL, "checkid-apigames-url", e.Getenv("KIOS_CHECKID_APIGAMES_URL"), "check game IDs with Apigames' cek-username at this base, e.g. https://v1.apigames.id, merchant ID and secret in env KIOS_CHECKID_APIGAMES_MERCHANT and KIOS_CHECKID_APIGAMES_SECRET; asked after VIP Reseller (env KIOS_CHECKID_APIGAMES_URL)")
	fs.Int64Var(&cfg.CheckIDApigames.Fee, "checkid-apigames-fee", 0, "rupiah Apigames charges per answered ID check, posted in the ledger (checkid:apigames → checkid_fees)")
	fs.StringVar(&cfg.PublicURL, "public-url", e.Getenv("KIOS_PUBLIC_URL"), "where payment providers and payers reach this server, e.g. https://kios.example.com (env KIOS_PUBLIC_URL); gateways' callbacks and the sandbox's pay links are under it (default with --demo: the listen address)")
	serveTuningFlags(fs, f)
	return f
}

// serveTuningFlags defines the flags that tune how the server runs: workers, leases,
// timeouts, periodic jobs, limits.
func serveTuningFlags(fs *flag.FlagSet, f *serveOpts) {
	cfg := &f.cfg
	fs.DurationVar(&cfg.SimDelay, "sim-delay", app.DefaultSimDelay, "how long the built-in simulator supplier takes per purchase")
	fs.Var(&f.proxies, "trusted-proxy", "CIDR of a reverse proxy whose X-Forwarded-For is believed (repeatable)")
	fs.IntVar(&cfg.Workers, "workers", core.DefaultWorkers, "orders preparing their upstream request at once (requests in flight are bounded per supplier: kios supplier set --max-inflight)")
	fs.StringVar(&cfg.Node, "node", "", "this node's name in job leases, unique among nodes sharing a database (default host-pid)")
	fs.DurationVar(&cfg.Lease, "lease", 0, "how long an order being fulfilled stays this node's before another node may take it over (default 30s)")
	fs.DurationVar(&cfg.UpstreamTimeout, "upstream-timeout", 0, "how long a purchase or status call to a supplier may take before its outcome counts as unknown and is asked again (default half of --lease; leases are renewed while calls are out, so it may exceed --lease)")
	fs.BoolVar(&cfg.CallbackAllowPrivate, "callback-allow-private", false, "let callbacks to resellers go to loopback and private addresses")
	fs.DurationVar(&cfg.LedgerCheckEvery, "ledger-check-every", app.DefaultLedgerCheckEvery, "check the ledger from its last checkpoint this often and save a clean result as the next (0: never)")
	fs.Int64Var(&cfg.LowBalance, "low-balance", 0, "alert when a supplier's fetched balance is below this many rupiah (0: never)")
	fs.DurationVar(&cfg.SyncEvery, "sync-every", app.DefaultSyncEvery, "pull suppliers' catalogs and balances this often, at least 5m apart per supplier (0: only by kios catalog sync)")
	fs.Int64Var(&cfg.MaxLoss, "max-loss", 0, "rupiah Kios may lose on one sale (0: never sell below cost); a variant's own limit (kios catalog limits) overrides it")
	fs.DurationVar(&cfg.SNWait, "sn-wait", core.DefaultSNWait, "how long a supplier's success without the SN the product needs is asked after before it is settled anyway and flagged no_sn")
	fs.Float64Var(&cfg.RateLimit, "rate-limit", app.DefaultRateLimit, "requests per second allowed per reseller (0: no limit)")
	fs.IntVar(&cfg.RateBurst, "rate-burst", 0, "requests per reseller allowed at once (default 2×rate-limit)")
	fs.IntVar(&cfg.RefusalLimit, "refusal-limit", app.DefaultRefusalLimit, "refused logins (unknown user or token, wrong sign or IP) one address may make per minute before it is answered 429 or rc 85 (0: no limit)")
	fs.BoolVar(&f.textChannels, "text-channels", true, "run the text channels configured with kios channel add (Telegram, Jabber, WhatsApp) on this node; false leaves them to another")
}

// check refuses flag values no server can run with, before anything is opened.
func (f *serveOpts) check() error {
	cfg := &f.cfg
	if cfg.RateLimit < 0 {
		return usagef("--rate-limit must be 0 or more")
	}
	if cfg.RefusalLimit < 0 {
		return usagef("--refusal-limit must be 0 or more")
	}
	if cfg.SyncEvery < 0 {
		return usagef("--sync-every must be 0 or more")
	}
	if cfg.LedgerCheckEvery < 0 {
		return usagef("--ledger-check-every must be 0 or more")
	}
	if cfg.LowBalance < 0 {
		return usagef("--low-balance must be 0 or more rupiah")
	}
	if cfg.MaxLoss < 0 {
		return usagef("--max-loss must be 0 or more")
	}
	if cfg.PublicURL != "" {
		if u, err := url.Parse(cfg.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("--public-url must be an http or https URL")
		}
	}
	if cfg.SNWait < 0 {
		return usagef("--sn-wait must be 0 or more")
	}
	if cfg.SimDelay < 0 {
		return usagef("--sim-delay must be 0 or more")
	}
	return nil
}

// serveConfig completes the config from the parsed flags and the environment.
func (e *Env) serveConfig(f *serveOpts) (app.Config, error) {
	cfg := f.cfg
	if cfg.SNWait == 0 {
		cfg.SNWait = -1 // settle at once (still flagged): core reads 0 as its default
	}
	cfg.DB = e.DBURL()
	if err := backend.CheckURL(cfg.DB); err != nil {
		return app.Config{}, usagef("--db: %v", err)
	}
	cfg.SecretKey, cfg.SecretKeyFile = backend.SecretsFromEnv(e.keyFile, e.Getenv)
	cfg.TrustedProxies = f.proxies
	for _, name := range strings.Split(f.checkSups, ",") {
		if name = strings.TrimSpace(name); name != "" {
			cfg.CheckIDSuppliers = append(cfg.CheckIDSuppliers, name)
		}
	}
	cfg.NoTextChannels = !f.textChannels
	cfg.Logger = slog.New(slog.NewJSONHandler(e.Stderr, nil))
	cfg.Stdout = e.Stdout
	return cfg, nil
}
