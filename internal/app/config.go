// Package app assembles a Kios server: it opens the database, builds the core service with its
// suppliers, mounts every dialect's handler on one HTTP server, runs the fulfilment workers, and
// shuts all of it down in order.
package app

import (
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/backend"
)

// Config configures a server. The zero value of every field means its default.
type Config struct {
	// Addr is the listen address; default 127.0.0.1:8080 (env KIOS_ADDR). Port 0 picks a free
	// port, logged as "listening".
	Addr string
	// AdminAddr is the admin listener's address (dashboard, admin API, /metrics); empty or "off"
	// serves none. The CLI's default is DefaultAdminAddr (env KIOS_ADMIN_ADDR).
	AdminAddr string
	// SecureCookies marks the admin session cookie Secure on plain HTTP too (behind a TLS proxy).
	SecureCookies bool
	// PublicMetrics serves /metrics without an admin token.
	PublicMetrics bool
	// DB is the database URL; default sqlite:./kios-data/kios.db (env KIOS_DB).
	DB string
	// SecretKeyFile is the key file that seals secrets at rest (env KIOS_SECRET_KEY_FILE), and
	// SecretKey the keys themselves (env KIOS_SECRET_KEY); with neither, a SQLite database's key
	// file beside it. See backend.Options.
	SecretKeyFile, SecretKey string
	// TrustedProxies are the peers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// SimDelay is how long a simulated purchase takes (the CLI's default is DefaultSimDelay).
	SimDelay time.Duration
	// Demo seeds the demo catalog and reseller at start and prints the reseller's credentials.
	// It turns the storefront on too.
	Demo bool
	// Storefront serves the store for end buyers on the public listener: /, /p/{product},
	// /invoice/{invoice}, /cek and the JSON API under /shop/api/ (docs/STOREFRONT.md).
	Storefront bool
	// NotifyWhatsAppURL and NotifyWhatsAppToken (env KIOS_NOTIFY_WHATSAPP_URL and
	// KIOS_NOTIFY_WHATSAPP_TOKEN) send storefront buyers their invoice's news by WhatsApp through
	// a Fonnte-style gateway (package notify); without a URL the notices are only logged.
	NotifyWhatsAppURL, NotifyWhatsAppToken string
	// NotifySMTPAddr (host:port) and NotifySMTPFrom send the same notices by email to buyers who
	// gave one (env KIOS_NOTIFY_SMTP_ADDR, KIOS_NOTIFY_SMTP_FROM; the login in
	// KIOS_NOTIFY_SMTP_USER and KIOS_NOTIFY_SMTP_PASSWORD). Beside WhatsApp when both are set.
	NotifySMTPAddr, NotifySMTPFrom, NotifySMTPUser, NotifySMTPPassword string
	// CheckIDVIP and CheckIDApigames are the market's game-ID check services (package checkid,
	// docs/SUPPLIERS.md), asked in that order with failover; their URLs and credentials come
	// from env KIOS_CHECKID_VIP_URL, _ID, _KEY and KIOS_CHECKID_APIGAMES_URL, _MERCHANT, _SECRET.
	// With neither, the simulator answers (deterministic nicknames: demo and development only).
	CheckIDVIP, CheckIDApigames CheckIDProvider
	// CheckIDSuppliers names suppliers of kind basstore that are themselves a Kios: their
	// POST /api/v1/check-id is asked first, in this order, before the market services (issue 19:
	// "an upstream supplier that offers it"). Each must exist when the server starts.
	CheckIDSuppliers []string
	// PublicURL is where payment providers and payers reach this server's public listener, e.g.
	// https://kios.example.com (env KIOS_PUBLIC_URL): gateways' callbacks go to
	// {PublicURL}/callback/payment/{gateway} and the sandbox's pay links are under it. With Demo
	// and none given, the listener's own address.
	PublicURL string
	// CallbackAllowPrivate lets callbacks to resellers go to loopback and private addresses
	// (tests, a reseller on the same network); off, only public addresses are called.
	CallbackAllowPrivate bool
	// SyncEvery, when positive, pulls every enabled supplier's catalog and balance this often
	// (the CLI's default is DefaultSyncEvery), never a supplier's list more often than
	// pull.MinListEvery.
	SyncEvery time.Duration
	// LedgerCheckEvery, when positive, runs the incremental ledger check this often and saves
	// each clean result as a checkpoint (the CLI's default is DefaultLedgerCheckEvery).
	LedgerCheckEvery time.Duration
	// LowBalance, when positive, alerts whenever a supplier's fetched balance is below it.
	LowBalance int64
	// MaxLoss is what Kios may lose on one sale, in rupiah, for variants without a limit of their
	// own; 0 never sells below cost.
	MaxLoss int64
	// SNWait is how long a success without the SN the product needs is asked after before it is
	// settled and flagged no_sn (core.Config.SNWait: 0 is core's default, negative at once).
	SNWait time.Duration
	// Workers is how many claimed orders may be preparing their upstream request at once;
	// default core.DefaultWorkers. Requests in flight are bounded per supplier (max_inflight), not by it.
	Workers int
	// RateLimit is the sustained requests per second allowed per reseller, 0 for no limit (the
	// CLI's default is DefaultRateLimit), and RateBurst how many may arrive at once (default
	// 2×RateLimit).
	RateLimit float64
	RateBurst int
	// RefusalLimit is how many denials (unknown user or token, wrong sign, wrong IP) one source
	// address may collect per minute, and at once, before it is answered "too fast"; 0 means no
	// limit (the CLI's default is DefaultRefusalLimit).
	RefusalLimit int
	// MaxBody bounds request bodies; default 64 KiB.
	MaxBody int64
	// PriceListEvery is how often one Digiswitch or Digiflazz reseller may fetch a full price
	// list; 0 means the dialects' default (5 minutes), negative no limit (kios bench).
	PriceListEvery time.Duration
	// NoTextChannels leaves the text channels (kios channel add) to other nodes: this one neither
	// receives nor sends text, nor claims text jobs.
	NoTextChannels bool
	// Node names this process in job leases; default host name and process id.
	Node string
	// Lease is how long a claimed job stays this node's; default 30s.
	Lease time.Duration
	// UpstreamTimeout bounds each call to a supplier; default Lease/2.
	UpstreamTimeout time.Duration
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout bound each phase of a
	// request on the HTTP server (defaults 5s, 15s, 30s, 120s), so that a slow or idle client
	// cannot hold a connection, and its goroutine, forever.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// ShutdownTimeout bounds how long in-flight requests may run after a shutdown signal; default 15s.
	ShutdownTimeout time.Duration

	// Logger receives the server's logs; default JSON on stderr.
	Logger *slog.Logger
	// Stdout receives the demo banner; default os.Stdout.
	Stdout io.Writer
}

// Defaults for Config.
const (
	DefaultAddr      = "127.0.0.1:8080"
	DefaultAdminAddr = "127.0.0.1:8081"
	DefaultSimDelay  = 200 * time.Millisecond
	DefaultSyncEvery = 15 * time.Minute
	// DefaultLedgerCheckEvery is how often serve checks the ledger from its last checkpoint.
	DefaultLedgerCheckEvery = 5 * time.Minute
	DefaultRateLimit        = 100
	// DefaultRefusalLimit is generous to a reseller fixing its setup and slow for guessing.
	DefaultRefusalLimit = 60
	DefaultMaxBody      = 64 << 10
)

// withDefaults fills unset fields, from the environment first where one applies.
func (c Config) withDefaults(getenv func(string) string) Config {
	if c.Addr == "" {
		c.Addr = getenv("KIOS_ADDR")
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.DB == "" {
		c.DB = getenv("KIOS_DB")
	}
	if c.DB == "" {
		c.DB = backend.DefaultURL
	}
	if c.PublicURL == "" {
		c.PublicURL = getenv("KIOS_PUBLIC_URL")
	}
	if c.NotifyWhatsAppURL == "" {
		c.NotifyWhatsAppURL = getenv("KIOS_NOTIFY_WHATSAPP_URL")
	}
	if c.NotifyWhatsAppToken == "" {
		c.NotifyWhatsAppToken = getenv("KIOS_NOTIFY_WHATSAPP_TOKEN")
	}
	for _, e := range []struct {
		v   *string
		env string
	}{{&c.NotifySMTPAddr, "KIOS_NOTIFY_SMTP_ADDR"}, {&c.NotifySMTPFrom, "KIOS_NOTIFY_SMTP_FROM"},
		{&c.NotifySMTPUser, "KIOS_NOTIFY_SMTP_USER"}, {&c.NotifySMTPPassword, "KIOS_NOTIFY_SMTP_PASSWORD"}} {
		if *e.v == "" {
			*e.v = getenv(e.env)
		}
	}
	c.CheckIDVIP = c.CheckIDVIP.fromEnv(getenv, "KIOS_CHECKID_VIP_URL", "KIOS_CHECKID_VIP_ID", "KIOS_CHECKID_VIP_KEY")
	c.CheckIDApigames = c.CheckIDApigames.fromEnv(getenv, "KIOS_CHECKID_APIGAMES_URL", "KIOS_CHECKID_APIGAMES_MERCHANT", "KIOS_CHECKID_APIGAMES_SECRET")
	if c.SecretKey == "" && c.SecretKeyFile == "" {
		c.SecretKey, c.SecretKeyFile = backend.SecretsFromEnv("", getenv)
	}
	if c.SimDelay < 0 {
		c.SimDelay = 0
	}
	if c.Workers <= 0 {
		c.Workers = core.DefaultWorkers
	}
	if c.RateLimit < 0 {
		c.RateLimit = 0
	}
	if c.RateBurst <= 0 && c.RateLimit > 0 {
		c.RateBurst = int(2 * c.RateLimit)
	}
	if c.MaxBody <= 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.Node == "" {
		host, _ := os.Hostname()
		c.Node = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if c.Lease <= 0 {
		c.Lease = 30 * time.Second
	}
	if c.ReadHeaderTimeout <= 0 {
		c.ReadHeaderTimeout = 5 * time.Second
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = 15 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 30 * time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 120 * time.Second
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 15 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if c.Stdout == nil {
		c.Stdout = os.Stdout
	}
	return c
}

// CheckIDProvider is one market check-ID service: where it is, the operator's credentials
// there, and its fee per answered check in rupiah (posted in the ledger). No URL: not used.
type CheckIDProvider struct {
	URL, ID, Key string
	Fee          int64
}

func (p CheckIDProvider) fromEnv(getenv func(string) string, urlVar, idVar, keyVar string) CheckIDProvider {
	if p.URL == "" {
		p.URL = getenv(urlVar)
	}
	if p.ID == "" {
		p.ID = getenv(idVar)
	}
	if p.Key == "" {
		p.Key = getenv(keyVar)
	}
	return p
}
