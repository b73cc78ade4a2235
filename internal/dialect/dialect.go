// Package dialect says what a reseller dialect is, as one value: its name (the label of the orders
// placed through it), the HTTP handler that serves it and where, how it renders an order's callback,
// how it answers each refusal the core can give, and its OpenAPI description. The server mounts
// every registered dialect and the callback sender renders through the registry, so adding a
// dialect is one new package under internal/dialect and one line in the registry's list
// (internal/dialect/registry).
//
// This package sits between the core and the dialect packages: it imports the core and the
// domain, and no dialect; the dialects import it for its types.
package dialect

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/checkid"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
)

// Dialect is one reseller dialect.
type Dialect struct {
	// Name labels the orders placed through the dialect (order.Order.Dialect) and its requests'
	// metrics.
	Name string
	// Routes are the mux patterns the handler is mounted at.
	Routes []string
	// Handler builds the dialect's handler over the service.
	Handler func(svc *core.Service, env Env) http.Handler
	// Callback renders an order placed in the dialect for its reseller's callback URL.
	Callback Callback
	// Refusal answers an error as the dialect does on the wire, in one line (for tables, tests
	// and docs). ok is false when the dialect has no answer of its own for err (it would answer
	// its generic server failure). Every error core.Refusals lists for a kind of call in Serves
	// must have one.
	Refusal func(err error) (answer string, ok bool)
	// Serves are the kinds of core call the dialect makes: whose refusals it must answer.
	Serves []core.Op
	// OpenAPI is the dialect's OpenAPI 3.1 description (JSON), or nil.
	OpenAPI []byte
}

// Env is what the server hands every dialect's handler.
type Env struct {
	Guard   *access.Guard
	Logger  *slog.Logger
	MaxBody int64
	// CheckID is the one ID checker of the server (its cache and rate limits).
	CheckID *checkid.Checker
	// PriceListEvery is how often one reseller may fetch a full price list, where the dialect
	// limits it (0: the dialect's default).
	PriceListEvery time.Duration
}

// Callback renders an order's callback in one dialect.
type Callback struct {
	// Post renders the signed body and headers of the POST sent to the callback URL; delivery
	// identifies the event (the same on every retry of it). Nil: the registry's fallback
	// dialect's.
	Post func(ctx context.Context, svc *core.Service, o *order.Order, apiKey, delivery string) ([]byte, http.Header, error)
	// Get, when set, replaces the POST by a GET of the URL it returns (built from the reseller's
	// callback URL); ok false means there is nothing to report for the order.
	Get func(ctx context.Context, svc *core.Service, o *order.Order, url string) (u string, ok bool, err error)
}

// Delivery is one callback as it is sent.
type Delivery struct {
	Method string
	URL    string
	Body   []byte
	Header http.Header
}

// Registry is the set of dialects a server speaks.
type Registry struct {
	all      []Dialect
	byName   map[string]int
	fallback int
}

// NewRegistry registers dialects; the first is the fallback, whose callback form orders placed
// outside any dialect (and dialects without a POST form of their own) are sent in. It panics on a
// duplicate or unnamed dialect, or a fallback without a POST callback: the list is code.
func NewRegistry(dialects ...Dialect) *Registry {
	r := &Registry{byName: map[string]int{}}
	for i, d := range dialects {
		if d.Name == "" {
			panic(fmt.Sprintf("dialect %d has no name", i))
		}
		if _, dup := r.byName[d.Name]; dup {
			panic("dialect " + d.Name + " registered twice")
		}
		r.byName[d.Name] = i
		r.all = append(r.all, d)
	}
	if len(r.all) == 0 || r.all[0].Callback.Post == nil {
		panic("the fallback dialect needs a POST callback")
	}
	return r
}

// All lists the dialects in registration order.
func (r *Registry) All() []Dialect { return append([]Dialect(nil), r.all...) }

// Lookup finds a dialect by name.
func (r *Registry) Lookup(name string) (Dialect, bool) {
	i, ok := r.byName[name]
	if !ok {
		return Dialect{}, false
	}
	return r.all[i], true
}

// Mount serves every dialect on mux at its routes; wrap names each handler (metrics) and may be
// nil.
func (r *Registry) Mount(mux *http.ServeMux, svc *core.Service, env Env, wrap func(name string, h http.Handler) http.Handler) {
	for _, d := range r.all {
		h := d.Handler(svc, env)
		if wrap != nil {
			h = wrap(d.Name, h)
		}
		for _, p := range d.Routes {
			mux.Handle(p, h)
		}
	}
}

// Post renders an order's callback POST in its dialect's form (the fallback's for an order placed
// outside any dialect or in one without a POST form).
func (r *Registry) Post(ctx context.Context, svc *core.Service, o *order.Order, apiKey, delivery string) ([]byte, http.Header, error) {
	post := r.all[r.fallback].Callback.Post
	if d, ok := r.Lookup(o.Dialect); ok && d.Callback.Post != nil {
		post = d.Callback.Post
	}
	return post(ctx, svc, o, apiKey, delivery)
}

// Prepare renders an order's callback to url in the dialect it was placed in: the POST Post
// renders, or the dialect's GET. ok false means there is nothing to send.
func (r *Registry) Prepare(ctx context.Context, svc *core.Service, o *order.Order, apiKey, delivery, url string) (Delivery, bool, error) {
	if d, found := r.Lookup(o.Dialect); found && d.Callback.Get != nil {
		u, ok, err := d.Callback.Get(ctx, svc, o, url)
		if err != nil || !ok {
			return Delivery{}, false, err
		}
		h := http.Header{}
		h.Set("User-Agent", "Kios-Callback/1")
		return Delivery{Method: http.MethodGet, URL: u, Header: h}, true, nil
	}
	body, h, err := r.Post(ctx, svc, o, apiKey, delivery)
	if err != nil {
		return Delivery{}, false, err
	}
	return Delivery{Method: http.MethodPost, URL: url, Body: body, Header: h}, true, nil
}
