// Package basstore serves the BASSTORE-style v1 reseller API over the core: POST /api/v1/balance,
// /product, /variant, /order and /status-order/{invoice}, each answered in BASSTORE's envelope.
// Wire types live in the public package client/basstore, shared with its Go client.
//
// A request passes, in this order: method (405), the source address's count of refusals (429),
// bearer token (401), the reseller's IP allowlist and status (403), its rate limit (429), the body (413, 400), then the endpoint. Every refusal
// before the endpoint changes nothing; the endpoints that change something (only /order) do so
// in one core call.
package basstore

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"

	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/request"
	"github.com/kios-h2h/kios/internal/pricecache"
	"github.com/kios-h2h/kios/internal/reseller"

	wire "github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/checkid"
)

// Options configure the handler.
type Options struct {
	// Guard decides client IPs and rate limits; nil means socket peers and no limit.
	Guard *access.Guard
	// Logger receives refusals at debug level and server errors at error level; nil means the
	// service's logger.
	Logger  *slog.Logger
	MaxBody int64 // request body limit in bytes; 0 means DefaultMaxBody
	// CheckID answers POST /api/v1/check-id; nil means the simulator's checks alone.
	CheckID *checkid.Checker
}

// DefaultMaxBody is the request body limit when Options.MaxBody is 0. The largest legitimate
// body is an order of three short strings.
const DefaultMaxBody = request.DefaultMaxBody

// Dialect is how orders placed through this API are labelled.
const Dialect = "basstore"

type handler struct {
	svc     *core.Service
	guard   *access.Guard
	log     *slog.Logger
	maxBody int64
	bufs    sync.Pool // of *bytes.Buffer, for encoding answers
	prices  pricecache.Cache
	check   *checkid.Checker
}

// New returns the handler for POST /api/v1/...; mount it at the server's root.
func New(svc *core.Service, opts Options) http.Handler {
	h := &handler{svc: svc, guard: opts.Guard, log: opts.Logger, maxBody: opts.MaxBody, check: opts.CheckID}
	if h.check == nil {
		h.check = checkid.New(checkid.Options{Now: svc.Now}, checkid.Simulator{})
	}
	if h.guard == nil {
		h.guard = access.New(access.Policy{})
	}
	if h.log == nil {
		h.log = svc.Logger()
	}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBody
	}
	mux := http.NewServeMux()
	route := func(path string, fn endpoint) {
		mux.Handle("POST "+path, h.authed(fn))
		// The mux's own 405 is plain text; BASSTORE clients expect the envelope.
		mux.HandleFunc(path, h.methodNotAllowed)
	}
	route(wire.PathBalance, h.balance)
	route(wire.PathProduct, h.products)
	route(wire.PathVariant, h.variants)
	route(wire.PathOrder, h.order)
	route(wire.PathStatusOrder+"{invoice}", h.status)
	route(PathCheckID, h.checkID)
	mux.HandleFunc("/api/v1/", h.notFound)
	return mux
}

// endpoint serves an authenticated request for reseller rs. It returns the data to answer with,
// or an error for fail to turn into an envelope; it writes nothing to w, which it holds for
// decodeBody (an oversized body closes the connection).
type endpoint func(ctx context.Context, w http.ResponseWriter, r *http.Request, rs *reseller.Reseller) (any, error)

func (h *handler) authed(fn endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs, err := h.authenticate(r)
		if err != nil {
			h.fail(w, r, nil, err)
			return
		}
		data, err := fn(r.Context(), w, r, rs)
		if err != nil {
			h.fail(w, r, rs, err)
			return
		}
		if b, ok := data.(encoded); ok {
			h.writeEncoded(w, http.StatusOK, b)
			return
		}
		h.succeed(w, data)
	})
}

// authenticate finds the caller and checks it may call from here, now. An unknown token and a
// call from off the allowlist are denials: logged at info with the source address and counted
// against it, and an address with too many is answered 429 before its token is looked up.
func (h *handler) authenticate(r *http.Request) (*reseller.Reseller, error) {
	src := h.guard.ClientIP(r)
	if h.guard.Blocked(src) {
		h.refused(r, src, "too many refusals from this address")
		return nil, errRateLimited
	}
	token, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		return nil, errNoToken
	}
	rs, err := h.svc.Authenticate(r.Context(), token)
	if errors.Is(err, reseller.ErrNotFound) {
		h.guard.Refused(src)
		h.refused(r, src, "unknown token")
	}
	if err != nil {
		return nil, err
	}
	ip, known := h.guard.ClientAddr(r)
	if !known {
		h.guard.Refused(src)
		h.refused(r, src, "client address unknown behind a trusted proxy", "username", rs.Username)
		return nil, &ipError{}
	}
	if !rs.Allows(ip) {
		h.guard.Refused(src)
		h.refused(r, src, "ip not allowed", "username", rs.Username)
		return nil, &ipError{ip: ip.String()}
	}
	if rs.Status != reseller.Active {
		h.refused(r, src, "suspended", "username", rs.Username)
		return nil, errSuspended
	}
	if !h.guard.Allow(rs.ID) {
		return nil, errRateLimited
	}
	return rs, nil
}

func (h *handler) refused(r *http.Request, src netip.Addr, reason string, args ...any) {
	h.log.Info("reseller API refused", append([]any{"source", src.String(), "path", r.URL.Path, "reason", reason}, args...)...)
}

// bearer takes the token out of an Authorization header; the scheme is case-insensitive.
func bearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

func (h *handler) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", http.MethodPost)
	h.fail(w, r, nil, errMethod)
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	if strings.TrimRight(r.URL.Path, "/") == strings.TrimRight(wire.PathStatusOrder, "/") {
		h.fail(w, r, nil, errNoInvoice)
		return
	}
	h.fail(w, r, nil, errNoEndpoint)
}
