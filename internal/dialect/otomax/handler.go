// Package otomax serves the Otomax/IRS "via IP" H2H dialect over the core, so that a downline
// running Otomax or IRS (or anything speaking their dialect) can buy from Kios by changing a URL:
//
//	GET /otomax/trx?memberID=&product=&dest=&refID=&sign=   (qty; &check=1 asks the status)
//	GET /otomax/balance?memberID=&sign=
//
// The wire (signs, request and report-back parameters) is the public package client/otomax,
// shared with its Go client and with Kios's own Otomax supplier connector.
//
// Credentials: memberID is the reseller's username; password is its api key (the secret of the
// other signed dialects); PIN is its Otomax PIN (`kios reseller otomax`), kept sealed because the
// sign covers it. A reseller without an Otomax PIN cannot use the dialect. Where the operator
// allows it for the reseller (`--plain`), pin and password may come in the query instead of a
// sign; they are then compared as given.
//
// Every answer is HTTP 200 with one line of text, the text channel's own answers (package
// textcmd): "R#REF KODE.TUJUAN sedang diproses. Harga: …", "… BERHASIL. SN: …", "… GAGAL. …".
// A refusal of the request itself (format, credentials, rate) names no R#: it is about no order.
// A wrong sign, an unknown memberID, a member without a PIN and a caller outside the reseller's
// IP allowlist get the same answer, as in the other dialects. Only a fault of Kios is a 5xx, so
// a client treats it as an unknown outcome and asks again.
package otomax

import (
	"io"
	"log/slog"
	"net/http"
	"strings"

	wire "github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/core"
)

// Dialect is the dialect name recorded with orders placed through this handler; the reseller's
// callback is then the Otomax report-back GET.
const Dialect = "otomax"

// Prefix is where the dialect is mounted.
const Prefix = "/otomax"

// Options configure the handler.
type Options struct {
	Guard  *access.Guard
	Logger *slog.Logger
}

type handler struct {
	svc  *core.Service
	opts Options
	log  *slog.Logger
}

// New returns the handler for GET /otomax/trx and /otomax/balance.
func New(svc *core.Service, opts Options) http.Handler {
	if opts.Guard == nil {
		opts.Guard = access.New(access.Policy{})
	}
	if opts.Logger == nil {
		opts.Logger = svc.Logger()
	}
	h := &handler{svc: svc, opts: opts, log: opts.Logger.With("dialect", Dialect)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Prefix+wire.PathTrx, h.trx)
	mux.HandleFunc("GET "+Prefix+wire.PathBalance, h.balance)
	mux.HandleFunc(Prefix+"/", h.unknown)
	return mux
}

// Answers of the request itself, before any order: none of them names a status word a buyer's
// default patterns read as an outcome except GAGAL, and none names an R#, so a buyer asking
// after an order (check=1) cannot take one of them for that order's failure.
const (
	answerDenied   = "GAGAL. memberID, PIN, password atau sign salah"
	answerTooFast  = "GAGAL. Terlalu banyak permintaan; perlambat"
	answerDisabled = "GAGAL. Akun ditangguhkan. Hubungi distributor"
	answerFault    = "Maaf, sistem sedang gangguan. Cek ulang dengan refID yang sama."
)

// unknown answers a path or method this dialect does not have.
func (h *handler) unknown(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		h.writeStatus(w, http.StatusMethodNotAllowed, "GAGAL. Metode "+r.Method+" tidak didukung; pakai GET")
		return
	}
	h.writeStatus(w, http.StatusNotFound, "GAGAL. Perintah "+r.URL.Path+" tidak dikenal; pakai "+Prefix+wire.PathTrx+" atau "+Prefix+wire.PathBalance)
}

func (h *handler) write(w http.ResponseWriter, line string) { h.writeStatus(w, http.StatusOK, line) }

// writeStatus writes one line of text. Lines never hold a line break: downline software reads
// up to the first one.
func (h *handler) writeStatus(w http.ResponseWriter, status int, line string) {
	line = strings.NewReplacer("\r", " ", "\n", " | ").Replace(line)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, line)
}

// fault answers a failure of Kios itself: 500, which the client takes as an unknown outcome.
func (h *handler) fault(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("otomax request failed", "path", r.URL.Path, "err", err)
	h.writeStatus(w, http.StatusInternalServerError, answerFault)
}
