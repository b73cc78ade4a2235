// Package member is the reseller's own area on the public listener, under /member/: pages for
// people (html/template and htmx, embedded; Indonesian first, English by a switch) and a JSON API
// under /member/api/ for the same things. A reseller signs in with its username and portal
// password (and a TOTP code if it turned two-factor login on); login throttling, password checks,
// sessions and CSRF are package session's, the same rules as the admin listener's.
package member

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/callback"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/session"
	"github.com/kios-h2h/kios/internal/webasset"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure the member area.
type Options struct {
	// Session sets the bcrypt cost and the login limits (package session's defaults when zero).
	Session session.Options
	// SessionTTL is how long a login lasts; 0 means 12 hours.
	SessionTTL time.Duration
	// SecureCookies marks the session cookie Secure even on plain HTTP (behind a TLS proxy).
	SecureCookies bool
	// Guard tells the client's IP (trusted proxies); nil trusts no proxy.
	Guard *access.Guard
	// Banks lists the distributor's accounts a deposit ticket names, read on every use so a change
	// shows at once; nil or an empty list means any bank is taken as named, without an account
	// number (as the dialects' deposit endpoints do). The app fills it.
	Banks BankSource
	// AllowPrivateCallbacks lets the callback URL and its test point at private addresses.
	AllowPrivateCallbacks bool
	// CallbackClient sends test callbacks; nil means callback.NewClient.
	CallbackClient *http.Client
	// Payments, when set, offers online payment of deposit tickets (a payment gateway).
	Payments Payments
	// Logger; nil means the service's.
	Logger *slog.Logger
}

// BankAccount is an account of the distributor's that resellers transfer deposits to.
type BankAccount = core.BankAccount

// BankSource lists the distributor's bank accounts for the Deposit page and its API
// (*core.Service is one: the accounts the operator keeps with `kios bank`).
type BankSource = core.BankSource

// Banks is a fixed list of accounts: a BankSource for tests.
type Banks = core.Banks

// Payments is the hook a payment gateway plugs into the Deposit page: for an open ticket it
// lists the ways to pay online, and starts a payment, answering where to send the browser. The
// ticket is credited by the gateway's own confirmation (core.ApproveTicket), never by this page.
type Payments interface {
	Methods(ctx context.Context, t *deposit.Ticket) []PaymentMethod
	Pay(ctx context.Context, r *reseller.Reseller, t *deposit.Ticket, method string) (redirectURL string, err error)
}

// PaymentMethod is one way to pay a ticket online.
type PaymentMethod struct {
	Code string `json:"code"` // e.g. "qris"; posted back to Pay
	Name string `json:"name"` // e.g. "QRIS"
}

// CookieName is the member area's session cookie.
const CookieName = "kios_member"

// langCookie keeps the chosen language.
const langCookie = "kios_lang"

type handler struct {
	svc   *core.Service
	opts  Options
	guard *access.Guard
	login *session.Guard
	log   *slog.Logger
	cb    *http.Client
	pages map[string]*template.Template
}

// New returns the member area's handler, for the paths under /member/.
func New(svc *core.Service, opts Options) http.Handler {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.Session.Now == nil {
		opts.Session.Now = svc.Now
	}
	h := &handler{svc: svc, opts: opts, guard: opts.Guard, login: session.NewGuard(opts.Session), log: opts.Logger,
		cb: opts.CallbackClient}
	if h.guard == nil {
		h.guard = access.New(access.Policy{})
	}
	if h.log == nil {
		h.log = svc.Logger()
	}
	if h.cb == nil {
		h.cb = callback.NewClient(opts.AllowPrivateCallbacks)
	}
	h.pages = parsePages()
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /member/static/", http.StripPrefix("/member/static/", webasset.CacheStatic(http.FileServerFS(static))))
	mux.Handle("GET /member/static/htmx.min.js", webasset.Htmx())
	h.routeAPI(mux)
	h.routePages(mux)
	return webasset.SecurityHeaders(mux)
}

// caller is the signed-in reseller of a request.
type caller struct {
	r    *reseller.Reseller
	sid  string
	csrf string
	lang string
}

var (
	errNoAuth = errors.New("not signed in")
	errCSRF   = errors.New("missing or wrong CSRF token")
)

// identify finds the request's reseller by its session cookie; a state-changing request must
// carry the session's CSRF token.
func (h *handler) identify(r *http.Request) (*caller, error) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return nil, errNoAuth
	}
	id, err := h.svc.MemberSessionReseller(r.Context(), session.Hash(c.Value))
	if errors.Is(err, core.ErrNotFound) {
		return nil, errNoAuth
	}
	if err != nil {
		return nil, err
	}
	res, err := h.svc.ResellerByID(r.Context(), id)
	if errors.Is(err, reseller.ErrNotFound) {
		return nil, errNoAuth
	}
	if err != nil {
		return nil, err
	}
	cl := &caller{r: res, sid: c.Value, csrf: session.CSRFToken(c.Value), lang: langOf(r)}
	if !session.SafeMethod(r.Method) && !session.CheckCSRF(cl.csrf, session.PresentedCSRF(r)) {
		return nil, errCSRF
	}
	return cl, nil
}

func langOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && c.Value == "en" {
		return "en"
	}
	return "id"
}

func (h *handler) clientIP(r *http.Request) string { return h.guard.ClientIP(r).String() }

func (h *handler) secure(r *http.Request) bool { return h.opts.SecureCookies || r.TLS != nil }

// limitBody bounds request bodies: nothing the member area takes is large.
func limitBody(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
}

// Subject names a reseller in the two-factor tables.
func Subject(resellerID int64) string { return "reseller:" + itoa(resellerID) }

// SetPassword gives a reseller a new generated portal password, returned once, and ends its
// member sessions. It is what `kios reseller create`, `kios reseller set-password`, the admin API
// and the demo call.
func SetPassword(ctx context.Context, svc *core.Service, username string, cost int) (string, error) {
	r, err := svc.ResellerByUsername(ctx, strings.TrimSpace(username))
	if err != nil {
		return "", err
	}
	pw := session.NewPassword()
	hash, err := session.NewGuard(session.Options{BcryptCost: cost}).Hash(pw)
	if err != nil {
		return "", err
	}
	if err := svc.SetResellerLogin(ctx, r.ID, hash, ""); err != nil {
		return "", err
	}
	return pw, nil
}
