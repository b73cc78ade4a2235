// Package inbound serves payment gateways' callbacks at POST /callback/payment/{gateway} on the
// public listener: the raw body (at most payment.MaxBody) goes to core.PaymentCallback, which
// verifies it the provider's way before anything in it is read as money.
package inbound

import (
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/store"
)

// Handler answers 200 with the provider's acknowledgement when the callback was taken (also a
// replay that moved nothing), 403 for a bad signature, 400 malformed, 413 over the size limit,
// 404 an unknown gateway, 503 when a provider's status API did not answer (it sends again),
// 500 otherwise.
func Handler(svc *core.Service, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, payment.MaxBody+1))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		if len(body) > payment.MaxBody {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		out, err := svc.PaymentCallback(r.Context(), core.CallbackIn{Gateway: r.PathValue("gateway"), Header: r.Header, Body: body, RemoteAddr: r.RemoteAddr})
		switch {
		case err == nil:
			w.Header().Set("Content-Type", out.ContentType)
			_, _ = io.WriteString(w, out.Body)
		case errors.Is(err, store.ErrGatewayNotFound):
			http.Error(w, "unknown gateway", http.StatusNotFound)
		case errors.Is(err, payment.ErrSignature):
			http.Error(w, "invalid signature", http.StatusForbidden)
		case errors.Is(err, payment.ErrMalformed):
			http.Error(w, "malformed callback", http.StatusBadRequest)
		case errors.Is(err, payment.ErrUpstream):
			http.Error(w, "try again", http.StatusServiceUnavailable)
		default:
			log.Error("payment callback", "gateway", r.PathValue("gateway"), "err", err)
			http.Error(w, "server error", http.StatusInternalServerError)
		}
	})
}
