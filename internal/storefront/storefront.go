// Package storefront is the store for end buyers (issue 19) on the public listener: the pages
// (/, /p/{product}, /invoice/{invoice}, /cek) and the JSON API they use (/shop/api/...), which a
// mobile app or a headless shop may use too. It holds no money logic: a checkout and the paid
// callback's order are package core's (ShopCheckout, PaymentCallback); docs/STOREFRONT.md has the
// flow and the contract.
package storefront

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/checkid"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/webasset"
)

// Options configure the storefront.
type Options struct {
	// Guard decides client IPs (behind trusted proxies); nil means socket peers.
	Guard *access.Guard
	// CheckID answers the ID checks; nil means the simulator's alone.
	CheckID *checkid.Checker
	// Logger; nil means the service's.
	Logger *slog.Logger
	// CheckoutRate and CheckoutBurst bound checkouts per client IP and per phone number; zero
	// means one a minute after a burst of five.
	CheckoutRate  rate.Limit
	CheckoutBurst int
	// Name is the shop's name in the pages' header; "" means "Kios".
	Name string
	// ImageClient fetches the products' pictures from where the operator put them; nil means a
	// client with a 10 s timeout.
	ImageClient *http.Client
}

type handler struct {
	svc   *core.Service
	opts  Options
	guard *access.Guard
	check *checkid.Checker
	log   *slog.Logger
	byIP  *limiter
	byTel *limiter
	pages map[string]*template.Template
	// images are the products' pictures, fetched, scaled and cached (images.go).
	images *imageCache

	popMu     sync.Mutex
	popular   map[string]int64 // ProductSales, refreshed by popularity
	popularAt time.Time
}

// New returns the storefront's handler. Mount it for "/{$}", "/p/", "/invoice/", "/cek" and
// "/shop/" on the public listener (Routes).
func New(svc *core.Service, opts Options) http.Handler {
	if opts.CheckoutRate <= 0 {
		opts.CheckoutRate = rate.Every(time.Minute)
	}
	if opts.CheckoutBurst <= 0 {
		opts.CheckoutBurst = 5
	}
	if opts.Name == "" {
		opts.Name = "Kios"
	}
	h := &handler{svc: svc, opts: opts, guard: opts.Guard, check: opts.CheckID, log: opts.Logger,
		byIP: newLimiter(opts.CheckoutRate, opts.CheckoutBurst), byTel: newLimiter(opts.CheckoutRate, opts.CheckoutBurst)}
	if h.guard == nil {
		h.guard = access.New(access.Policy{})
	}
	if h.check == nil {
		h.check = checkid.New(checkid.Options{Now: svc.Now}, checkid.Simulator{})
	}
	if h.log == nil {
		h.log = svc.Logger()
	}
	h.pages = parsePages()
	h.images = newImageCache(opts.ImageClient)
	mux := http.NewServeMux()
	h.routeAPI(mux)
	h.routePages(mux)
	return webasset.SecurityHeaders(mux)
}

// Routes are the public listener's patterns the storefront answers; none is another handler's
// (the listener answered 404 at "/" before the storefront).
var Routes = []string{"/{$}", "/p/", "/invoice/", "/cek", "/shop/"}

// limiter is a token bucket per key (a client IP, a phone number).
type limiter struct {
	r     rate.Limit
	burst int
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

// maxKeys bounds a limiter's map; past it the map starts afresh (a burst is the worst case).
const maxKeys = 100000

func newLimiter(r rate.Limit, burst int) *limiter {
	return &limiter{r: r, burst: burst, m: map[string]*rate.Limiter{}}
}

func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.m[key]
	if lim == nil {
		if len(l.m) >= maxKeys {
			l.m = map[string]*rate.Limiter{}
		}
		lim = rate.NewLimiter(l.r, l.burst)
		l.m[key] = lim
	}
	return lim.AllowN(now, 1)
}

func (h *handler) clientIP(r *http.Request) netip.Addr { return h.guard.ClientIP(r) }
