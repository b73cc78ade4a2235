package inbound

import (
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/store"
)

// sandboxPage is the sandbox's "payment done" page, Indonesian first as the member area.
var sandboxPage = template.Must(template.New("sandbox").Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox: pembayaran {{.Reference}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}code{background:#f3f4f6;padding:.1rem .3rem}</style>
</head><body>
<h1>Pembayaran sandbox</h1>
<p><strong>{{.Status}}</strong></p>
{{if .Invoice}}<p>Referensi <code>{{.Reference}}</code>, invoice <code>{{.Invoice}}</code>, {{.Amount}}.</p>
<p>{{.Result}}</p>
<p><a href="/invoice/{{.Invoice}}" id="back">Kembali ke invoice</a></p>
{{else}}<p>Referensi <code>{{.Reference}}</code>, tiket <code>{{.Ticket}}</code>, {{.Amount}}.</p>
<p>{{.Result}}</p>
<p><a href="/member/deposit">Kembali ke Deposit</a></p>{{end}}
<p lang="en"><small>Sandbox payment: nothing was charged. Kios received a callback signed as Tripay signs
them and took it through the same verification as a real one.</small></p>
</body></html>`))

// SandboxHandler serves GET and POST /sandbox/pay/{reference} on the public listener: it pays a
// sandbox payment by sending the callback Tripay would send, signed with the sandbox's key,
// through the same verification path as any callback (core.SandboxPay). Paying again moves
// nothing. Answers: 200 (a page, or JSON when the client asks for it), 404 for a reference no
// sandbox gateway opened, 409 when its gateway is disabled.
func SandboxHandler(svc *core.Service, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ref := r.PathValue("reference")
		p, out, err := svc.SandboxPay(r.Context(), ref)
		asJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
		switch {
		case err == nil:
		case errors.Is(err, store.ErrPaymentNotFound):
			http.Error(w, "no sandbox payment has that reference", http.StatusNotFound)
			return
		case errors.Is(err, core.ErrGatewayDisabled):
			http.Error(w, "the sandbox gateway is disabled", http.StatusConflict)
			return
		case errors.Is(err, payment.ErrSignature), errors.Is(err, payment.ErrMalformed):
			http.Error(w, "the sandbox's callback was refused: "+err.Error(), http.StatusBadRequest)
			return
		default:
			log.Error("sandbox pay", "reference", ref, "err", err)
			http.Error(w, "server error", http.StatusInternalServerError)
			return
		}
		result := strings.Join(out.Results, "; ")
		w.Header().Set("Cache-Control", "no-store")
		if asJSON {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"reference": p.Reference, "ticket": p.Ticket, "amount": p.Amount, "status": p.Status, "result": result})
			return
		}
		status := "Pembayaran diterima."
		if p.Status != store.PaymentPaid {
			status = "Pembayaran dicatat: " + p.Status + " (" + p.Flag + ")."
		}
		// A storefront invoice's payment (no ticket) leads back to its invoice page.
		var invoice string
		if p.TicketID == 0 {
			if inv, err := svc.ShopInvoiceOfPayment(r.Context(), p.ID); err == nil {
				invoice = inv.Code
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := sandboxPage.Execute(w, map[string]any{"Reference": p.Reference, "Ticket": p.Ticket, "Invoice": invoice,
			"Amount": ledger.FormatRupiah(p.Amount), "Status": status, "Result": result}); err != nil {
			log.Warn("sandbox page", "err", err)
		}
	})
}
