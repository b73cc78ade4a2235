// Package digiswitch serves the Digiswitch-style H2H 1.0 API over the core: price-list,
// cek-saldo, deposit, transaction (prepaid, and postpaid with inq-pasca, pay-pasca, status-pasca)
// and token, all POST under /v1/user/api/. Wire types live in the public package
// client/digiswitch, shared with its Go client.
//
// Every answer is HTTP 200 with {"data": …}; a refusal is {"data":{"rc","status":"Gagal",
// "message"}} with the rc of the dialect's table. The mapping from core errors is made in one
// place, internal/dialect/flazzserver (rc.go), with this dialect's words beside the Digiflazz
// dialect's. Only a fault of Kios itself is a 5xx, so that a client treats it as an unknown
// outcome and resends the same request, which is the status check.
//
// Checks run in this order: body (rc 40), username, sign (compared in constant time), caller's IP
// against the reseller's allowlist, suspended account (42, "akun dinonaktifkan"), rate limit (85);
// then the endpoint's own rules. An unknown username, a wrong sign and a wrong IP get the same
// answer (41, "Signature salah"), so none of them tells a caller which usernames exist or whether
// a key is right; the operator's log names the real reason and the source address. A source
// address that collects too many of them is answered 85 until it slows down.
package digiswitch

import (
	"log/slog"
	"net/http"
	"time"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/pricecache"
)

// Options configure the handler.
type Options struct {
	Guard   *access.Guard
	Logger  *slog.Logger
	MaxBody int64 // request body limit in bytes; 0 means request.DefaultMaxBody (64 KiB)
	// PriceListEvery is how often one reseller may fetch a full (unfiltered) price list of one
	// command, Digiflazz's rule (rc 83); 0 means 5 minutes, a negative value turns the limit off.
	// A list filtered by code is never limited by it (the rate limit still applies).
	PriceListEvery time.Duration
}

// DefaultPriceListEvery is the default of Options.PriceListEvery.
const DefaultPriceListEvery = 5 * time.Minute

type handler struct {
	svc  *core.Service
	opts Options
	log  *slog.Logger
	auth flazzserver.Auth
	// lists counts full price lists per reseller and command.
	lists  *flazzserver.ListLimit
	prices pricecache.Cache // encoded price-list answers (see package pricecache)
}

// New returns the handler for POST /v1/user/api/....
func New(svc *core.Service, opts Options) http.Handler {
	if opts.Guard == nil {
		opts.Guard = access.New(access.Policy{})
	}
	if opts.Logger == nil {
		opts.Logger = svc.Logger()
	}
	if opts.PriceListEvery == 0 {
		opts.PriceListEvery = DefaultPriceListEvery
	}
	h := &handler{svc: svc, opts: opts, log: opts.Logger.With("dialect", "digiswitch"), lists: flazzserver.NewListLimit(opts.PriceListEvery),
		auth: flazzserver.Auth{Svc: svc, Guard: opts.Guard, Order: checkOrder}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+ds.PathPriceList, h.priceList)
	mux.HandleFunc("POST "+ds.PathBalance, h.balance)
	mux.HandleFunc("POST "+ds.PathDeposit, h.deposit)
	mux.HandleFunc("POST "+ds.PathTransaction, h.transaction)
	mux.HandleFunc("POST "+ds.PathToken, h.token)
	mux.HandleFunc("/v1/user/api/", h.unknown)
	return mux
}

// unknown answers a path or method this API does not have, in the dialect's own format.
func (h *handler) unknown(w http.ResponseWriter, r *http.Request) {
	status, data := flazzserver.Unknown(w, r)
	h.writeStatus(w, status, data)
}
