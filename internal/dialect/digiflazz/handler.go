// Package digiflazz serves the Digiflazz buyer API over the core, wire-for-wire, at /v1/: a
// client configured with a Kios server's base URL instead of Digiflazz's works unchanged, against
// the same resellers, balances and orders as Kios's other dialects. Wire types live in the public
// package client/digiflazz, shared with its Go client.
package digiflazz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/dialect/request"
	"github.com/kios-h2h/kios/internal/reseller"
)

// Options configure the handler.
type Options struct {
	Guard   *access.Guard
	Logger  *slog.Logger
	MaxBody int64 // request body limit in bytes; 0 means request.DefaultMaxBody (64 KiB)
	// SellerName is the price list's seller_name when Seller is nil; "" means "KIOS".
	SellerName string
	// Seller, when set, tells the seller_name on every price list (the operator's setting, read
	// on each use so a change shows at once); it takes the place of SellerName.
	Seller interface {
		SellerName(ctx context.Context) (string, error)
	}
	// FullPriceListEvery is how often a reseller may fetch the unfiltered price list (rc 83 when
	// sooner). 0 means Digiflazz's 5 minutes; a negative value lifts the limit.
	FullPriceListEvery time.Duration
	// Banks lists the accounts a deposit answer names (bank, account_no, payment_method), read on
	// every deposit so a change shows at once. Nil or none means any bank is accepted and no
	// account number is given.
	Banks core.BankSource
}

// Paths are the exact paths the handler serves, for a mux that registers each one (the
// Digiswitch-style dialect owns /v1/user/api/ beside them).
func Paths() []string {
	return []string{
		"/v1" + wire.EndpointBalance,
		"/v1" + wire.EndpointPriceList,
		"/v1" + wire.EndpointDeposit,
		"/v1" + wire.EndpointTransaction,
		"/v1" + wire.EndpointInquiryPLN,
	}
}

type handler struct {
	svc  *core.Service
	opts Options
	log  *slog.Logger
	auth flazzserver.Auth
	// lists counts full price lists per reseller, prepaid and postpaid together.
	lists *flazzserver.ListLimit
}

// New returns the handler for POST /v1/cek-saldo, /v1/price-list, /v1/deposit, /v1/transaction and
// /v1/inquiry-pln. Every answer in the API's format is HTTP 200, refusals included (clients read
// rc); only a server fault is a 5xx.
func New(svc *core.Service, opts Options) http.Handler {
	if opts.SellerName == "" {
		opts.SellerName = "KIOS"
	}
	if opts.FullPriceListEvery == 0 {
		opts.FullPriceListEvery = 5 * time.Minute
	}
	if opts.Guard == nil {
		opts.Guard = access.New(access.Policy{})
	}
	h := &handler{svc: svc, opts: opts, log: opts.Logger, lists: flazzserver.NewListLimit(opts.FullPriceListEvery),
		auth: flazzserver.Auth{Svc: svc, Guard: opts.Guard, Order: checkOrder}}
	if h.log == nil {
		h.log = svc.Logger()
	}
	h.log = h.log.With("dialect", "digiflazz")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1"+wire.EndpointBalance, h.balance)
	mux.HandleFunc("POST /v1"+wire.EndpointPriceList, h.priceList)
	mux.HandleFunc("POST /v1"+wire.EndpointDeposit, h.deposit)
	mux.HandleFunc("POST /v1"+wire.EndpointTransaction, h.transaction)
	mux.HandleFunc("POST /v1"+wire.EndpointInquiryPLN, h.inquiryPLN)
	mux.HandleFunc("/v1/", h.unknown)
	return mux
}

// unknown answers a path or method this API does not have, in the API's own format.
func (h *handler) unknown(w http.ResponseWriter, r *http.Request) {
	status, data := flazzserver.Unknown(w, r)
	h.write(w, status, data)
}

// refusal is an answer other than success: an rc with its message, or a server fault.
type refusal struct {
	rc    string
	msg   string
	fault error // non-nil: a server fault, answered with HTTP 500
}

func refuse(rc, msg string) *refusal { return &refusal{rc: rc, msg: msg} }

func faultOf(err error) *refusal {
	return &refusal{rc: wire.RCFailed, msg: "Gangguan pada server, silakan coba lagi", fault: err}
}

// decode reads the JSON body into v. Unknown fields are ignored, as Digiflazz does (clients send
// extra ones, such as msg: null or "Bank"); an oversized or unreadable body, wrong types and
// malformed JSON are rc 40. On a type error v still holds the other fields, for the echo.
func (h *handler) decode(w http.ResponseWriter, r *http.Request, v any) *refusal {
	err := request.Decoder{Accept: request.JSON, MaxBody: h.opts.MaxBody}.Decode(w, r, v)
	if err == nil {
		return nil
	}
	e, ok := errors.AsType[*request.Error](err)
	if !ok {
		return faultOf(err)
	}
	switch e.Kind {
	case request.TooLarge:
		return refuse(wire.RCPayload, fmt.Sprintf("Payload error: body lebih dari %d byte", e.Limit))
	case request.Unreadable:
		return refuse(wire.RCPayload, "Payload error: body tidak terbaca")
	case request.WrongType:
		return refuse(wire.RCPayload, fmt.Sprintf("Payload error: %s harus bertipe %s", e.Field, e.Want))
	}
	return refuse(wire.RCPayload, "Payload error: body bukan JSON yang valid")
}

// checkOrder runs the checks with the IP before the sign, so a caller outside the allowlist
// learns nothing about the key; the account's status only after both, so only the key's holder
// learns that its account is suspended; and the rate limit last, so nobody else can spend a
// reseller's allowance.
var checkOrder = [4]flazzserver.Check{flazzserver.IP, flazzserver.Sign, flazzserver.Active, flazzserver.Rate}

// authenticate checks, in order, the username, the caller's IP, the sign, the account's status
// and the rate limit. An unknown username, a wrong IP and a wrong sign get the same answer.
func (h *handler) authenticate(ctx context.Context, r *http.Request, username, sign, suffix string) (*reseller.Reseller, *refusal) {
	if username == "" {
		return nil, refuse(wire.RCPayload, "Payload error: username wajib diisi")
	}
	if sign == "" {
		return nil, refuse(wire.RCPayload, "Payload error: sign wajib diisi")
	}
	res, f, err := h.auth.Authenticate(ctx, r, username, sign, suffix)
	if err != nil {
		return nil, faultOf(err)
	}
	if f == nil {
		return res, nil
	}
	switch {
	case f.Denied():
		return nil, refuse(f.RC(), "Signature Anda salah")
	case f.Check == flazzserver.Active:
		return nil, refuse(f.RC(), "Akun Anda sedang tidak aktif")
	}
	return nil, refuse(f.RC(), "Limitasi transaksi: permintaan terlalu cepat, coba lagi sebentar")
}

// write sends {"data": data} with the given HTTP status.
func (h *handler) write(w http.ResponseWriter, status int, data any) {
	body, err := json.Marshal(wire.Envelope[any]{Data: data})
	if err != nil {
		h.log.Error("encode answer", "err", err)
		http.Error(w, "encode answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// statusOf is the HTTP status of a refusal: 200, unless the server failed.
func (h *handler) statusOf(r *http.Request, ref *refusal) int {
	if ref.fault == nil {
		return http.StatusOK
	}
	if r.Context().Err() == nil {
		h.log.Error("request failed", "path", r.URL.Path, "err", ref.fault)
	}
	return http.StatusInternalServerError
}

// refuseSimple answers a refusal of cek-saldo, price-list or deposit: {rc, status, message}.
func (h *handler) refuseSimple(w http.ResponseWriter, r *http.Request, ref *refusal) {
	h.write(w, h.statusOf(r, ref), wire.ErrorData{RC: ref.rc, Status: wire.StatusOf(ref.rc), Message: ref.msg})
}
