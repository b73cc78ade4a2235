// Package web is the admin listener: a JSON API under /admin/api/ for scripts, a server-rendered
// dashboard under /admin/ for people (html/template and htmx, embedded, no build step), and
// Prometheus metrics at /metrics. Scripts authenticate with an admin API token
// ("Authorization: Bearer kadm_…"); browsers with a session cookie, and then every state-changing
// request must carry the session's CSRF token (X-CSRF-Token header or csrf form field).
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/metrics"
	"github.com/kios-h2h/kios/internal/session"
	"github.com/kios-h2h/kios/internal/webasset"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// HtmxVersion is the version of the vendored htmx.min.js (package webasset).
const HtmxVersion = webasset.HtmxVersion

// Options configure the admin handler.
type Options struct {
	// Admin configures sessions, password hashing and login limits.
	Admin admin.Options
	// Metrics is served at /metrics. Pass the same value whose Middleware wraps the dialect
	// handlers; nil makes one reading svc's database (without HTTP latencies of other listeners).
	Metrics *metrics.Metrics
	// SecureCookies marks the session cookie Secure even on plain HTTP, for a server behind a
	// TLS-terminating proxy. Requests that arrive over TLS always get Secure cookies.
	SecureCookies bool
	// PublicMetrics serves /metrics without authentication (Prometheus on a trusted network).
	// Otherwise a scraper sends an admin API token as a bearer token.
	PublicMetrics bool
	// PublicOpenAPI, when set, is served at GET /openapi.json beside the admin API's own
	// description (GET /admin/api/openapi.json): the public APIs' description, as the public
	// listener serves it.
	PublicOpenAPI []byte
	// Guard tells the client's IP for the audit log and login limits; nil trusts no proxy.
	Guard *access.Guard
	// Suppliers reports upstream suppliers' health and balance; nil reads the supplier registry
	// (with Health's breaker states and call statistics) and adds the built-in simulator.
	Suppliers func(ctx context.Context) []SupplierStatus
	// Health tells each registered supplier's breaker state and recent calls (route.Router).
	Health SupplierHealth
	// Pull reaches suppliers over the network for catalog syncs and balances; nil refuses them.
	Pull SupplierPull
	// Tickets are reseller deposit tickets to approve; nil means the core's (CoreTickets).
	Tickets DepositTickets
	// Logger; nil means svc's.
	Logger *slog.Logger
}

// SupplierStatus is one upstream supplier on the suppliers page. It never holds a secret.
type SupplierStatus struct {
	Name    string `json:"name"`
	Healthy bool   `json:"healthy"`
	Detail  string `json:"detail"`
	// Balance is Kios's deposit at the supplier; HasBalance is false when it is not known.
	Balance    int64 `json:"balance"`
	HasBalance bool  `json:"has_balance"`

	Kind    string `json:"kind,omitempty"`
	BaseURL string `json:"base_url"`
	Enabled bool   `json:"enabled"`
	// Builtin marks the built-in simulator, which serves testing orders (and every order while
	// no supplier is registered).
	Builtin bool `json:"builtin,omitempty"`
	// Priority is the best (lowest) priority among the supplier's mapped SKUs.
	Priority   int    `json:"priority"`
	MappedSKUs int    `json:"mapped_skus"`
	Breaker    string `json:"breaker"` // closed, open, half-open; "" when not known here
	// MaxInflight and Rate bound the requests sent to it (rate per second, 0: none); 0 and 0
	// for the built-in simulator, bounded by the workers' default.
	MaxInflight int     `json:"max_inflight"`
	Rate        float64 `json:"rate"`
	// Calls in the last hour on this node: success rate over definite answers (null without
	// any), p95 latency, and the newest error.
	Calls       int        `json:"calls_last_hour"`
	SuccessRate *float64   `json:"success_rate"`
	P95Millis   int64      `json:"p95_ms"`
	LastError   string     `json:"last_error"`
	LastErrorAt *time.Time `json:"last_error_at,omitempty"`
	BalanceAt   *time.Time `json:"balance_at,omitempty"`
	// LedgerBalance is what Kios's books say is at the supplier: top-ups less costs.
	LedgerBalance int64 `json:"ledger_balance"`
	// ReplyPatterns are an otomax supplier's patterns in effect (its own, the defaults for the
	// kinds it sets none of); CustomPatterns tells whether it sets any.
	ReplyPatterns  *otomax.PatternTexts `json:"reply_patterns,omitempty"`
	CustomPatterns bool                 `json:"custom_patterns,omitempty"`
	// SKUs is what this node's routing learned of each of its SKUs that answered (outcomes,
	// time to final, standing: ok, demoted, probe).
	SKUs []core.SKUStats `json:"skus,omitempty"`
}

// DepositTicket is a reseller's request to top up, waiting for an admin to see the money arrive.
type DepositTicket struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"` // e.g. "DEP-7Q3M9ZK2"; what the API and forms name a ticket by
	Reseller  string    `json:"reseller"`
	Amount    int64     `json:"amount"` // what must be transferred, unique tail included
	Bank      string    `json:"bank"`
	Status    string    `json:"status"` // open, approved, rejected, expired
	CreatedAt time.Time `json:"created_at"`
}

// DepositTickets is the deposit-ticket workflow (core.(*Service).Tickets, ApproveTicket and
// RejectTicket of the digiswitch dialect's deposit endpoint), adapted by the caller. Approve must
// credit the reseller at most once however often it is called. ref is the ticket's code or id.
// The handler writes the audit row after a successful Approve or Reject.
type DepositTickets interface {
	Tickets(ctx context.Context, status string) ([]DepositTicket, error)
	Approve(ctx context.Context, ref string, by admin.Actor) (DepositTicket, error)
	Reject(ctx context.Context, ref string, by admin.Actor, reason string) (DepositTicket, error)
}

type handler struct {
	as    *admin.Service
	svc   *core.Service
	m     *metrics.Metrics
	opts  Options
	guard *access.Guard
	log   *slog.Logger
	pages map[string]*template.Template
	syncs *syncs
}

// New returns the admin listener's handler: /admin/… (dashboard and API), /metrics, and a
// redirect from / to the dashboard.
func New(svc *core.Service, opts Options) http.Handler {
	h := &handler{as: admin.NewService(svc, opts.Admin), svc: svc, syncs: &syncs{}, m: opts.Metrics, opts: opts, guard: opts.Guard, log: opts.Logger}
	if h.m == nil {
		h.m = metrics.New(svc, svc.Logger())
	}
	if h.guard == nil {
		h.guard = access.New(access.Policy{})
	}
	if h.opts.Tickets == nil {
		h.opts.Tickets = CoreTickets(svc)
	}
	if h.log == nil {
		h.log = svc.Logger()
	}
	h.pages = parsePages()

	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /admin/static/", http.StripPrefix("/admin/static/", webasset.CacheStatic(http.FileServerFS(static))))
	mux.Handle("GET /admin/static/htmx.min.js", webasset.Htmx())
	mux.Handle("GET /{$}", http.RedirectHandler("/admin/", http.StatusSeeOther))
	// Browsers ask for /favicon.ico whatever the page says.
	mux.Handle("GET /favicon.ico", http.RedirectHandler("/admin/static/favicon.svg", http.StatusMovedPermanently))
	if metricsH := h.m.Handler(); opts.PublicMetrics {
		mux.Handle("GET /metrics", metricsH)
	} else {
		mux.Handle("GET /metrics", h.api(func(w http.ResponseWriter, r *http.Request, _ *admin.Identity) { metricsH.ServeHTTP(w, r) }))
	}
	// The API descriptions, without credentials (see serveJSON).
	mux.Handle("GET /admin/api/openapi.json", serveJSON(openAPI))
	if opts.PublicOpenAPI != nil {
		mux.Handle("GET /openapi.json", serveJSON(opts.PublicOpenAPI))
	}
	h.routeAPI(mux)
	h.routePages(mux)
	return webasset.SecurityHeaders(mux)
}

const sessionCookie = "kios_admin"

// identify authenticates a request: a bearer admin token, else a session cookie. A session's
// state-changing request without the right CSRF token is refused with errCSRF.
func (h *handler) identify(r *http.Request) (*admin.Identity, error) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, token, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, admin.ErrNoAuth
		}
		return h.as.TokenAuth(r.Context(), strings.TrimSpace(token))
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, admin.ErrNoAuth
	}
	id, err := h.as.Session(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	if !session.SafeMethod(r.Method) && !id.CheckCSRF(session.PresentedCSRF(r)) {
		return nil, errCSRF
	}
	return id, nil
}

var errCSRF = errors.New("missing or wrong CSRF token")

func safeMethod(m string) bool { return session.SafeMethod(m) }

type identified func(w http.ResponseWriter, r *http.Request, id *admin.Identity)

// api wraps a JSON API handler: 401 without credentials, 403 for a missing CSRF token.
func (h *handler) api(fn identified) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limitBody(w, r)
		id, err := h.identify(r)
		switch {
		case errors.Is(err, errCSRF):
			writeError(w, http.StatusForbidden, err.Error(), "")
		case errors.Is(err, admin.ErrNoAuth):
			w.Header().Set("WWW-Authenticate", `Bearer realm="kios-admin"`)
			writeError(w, http.StatusUnauthorized, "authentication required", "")
		case err != nil:
			h.log.Error("admin auth", "err", err)
			writeError(w, http.StatusInternalServerError, "internal error", "")
		default:
			fn(w, r, id)
		}
	})
}

// page wraps a dashboard handler: the login page without a session, 403 for a missing CSRF token.
func (h *handler) page(fn identified) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limitBody(w, r)
		id, err := h.identify(r)
		switch {
		case errors.Is(err, errCSRF):
			http.Error(w, "Forbidden: the form was stale or forged (missing CSRF token). Reload the page and try again.", http.StatusForbidden)
		case errors.Is(err, admin.ErrNoAuth):
			if r.Header.Get("HX-Request") != "" {
				w.Header().Set("HX-Redirect", "/admin/login")
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			next := r.URL.RequestURI()
			if !safeMethod(r.Method) {
				next = "/admin/"
			}
			http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		case err != nil:
			h.log.Error("admin auth", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
		default:
			fn(w, r, id)
		}
	})
}

// limitBody bounds request bodies: 4 MiB, or 32 MiB for a catalog import, which may hold
// tens of thousands of variants.
func limitBody(w http.ResponseWriter, r *http.Request) {
	limit := int64(4 << 20)
	if strings.HasSuffix(r.URL.Path, "/import") {
		limit = 32 << 20
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
}

func (h *handler) actor(r *http.Request, id *admin.Identity) admin.Actor {
	return id.Actor(h.guard.ClientIP(r).String())
}

func (h *handler) secure(r *http.Request) bool { return h.opts.SecureCookies || r.TLS != nil }
