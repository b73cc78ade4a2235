package inbound_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/payment/inbound"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// TestSandboxPayLink: the sandbox's pay link (GET, as a browser opens it) credits the ticket
// through a Tripay-signed callback, recorded verified; opening it again, or POSTing it, moves
// nothing; an unknown reference is 404 and a payment of a disabled sandbox 409. The ledger
// check is clean after. Both backends.
func TestSandboxPayLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		db := be.Open(t)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		mux := http.NewServeMux()
		srv := httptest.NewServer(mux)
		defer srv.Close()
		svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: log, PublicURL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		mux.Handle("GET "+payment.SandboxPayPath+"{reference}", inbound.SandboxHandler(svc, log))
		mux.Handle("POST "+payment.SandboxPayPath+"{reference}", inbound.SandboxHandler(svc, log))
		if _, err := svc.AddGateway(ctx, store.Gateway{Name: "sandbox", Kind: payment.Sandbox, Methods: []string{"QRIS"}}); err != nil {
			t.Fatal(err)
		}
		cr, err := svc.CreateReseller(ctx, core.NewReseller{Username: "sari", Name: "Sari"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := svc.DepositPay(ctx, core.PayParams{Reseller: cr.Reseller, Amount: 100_000, Gateway: "sandbox"})
		if err != nil {
			t.Fatal(err)
		}
		link := res.Payment.CheckoutURL
		if !strings.HasPrefix(link, srv.URL+payment.SandboxPayPath) || res.Payment.QRString == "" {
			t.Fatalf("pay instructions: %+v", res.Payment)
		}
		do := func(method, url, accept string) (int, string) {
			req, _ := http.NewRequest(method, url, nil)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		balance := func() int64 {
			bal, err := svc.Balance(ctx, cr.Reseller.ID)
			if err != nil {
				t.Fatal(err)
			}
			return bal
		}
		if code, body := do("GET", link, "text/html"); code != 200 || !strings.Contains(body, "Pembayaran diterima") {
			t.Fatalf("GET pay link: %d %s", code, body)
		}
		if got := balance(); got != res.Ticket.Amount {
			t.Fatalf("balance %d after paying, want %d", got, res.Ticket.Amount)
		}
		code, body := do("POST", link, "application/json")
		var ans struct {
			Status string `json:"status"`
			Result string `json:"result"`
		}
		if code != 200 || json.Unmarshal([]byte(body), &ans) != nil || ans.Status != store.PaymentPaid || !strings.Contains(ans.Result, "nothing moved") {
			t.Fatalf("POST pay link again: %d %s", code, body)
		}
		do("GET", link, "")
		if got := balance(); got != res.Ticket.Amount {
			t.Fatalf("balance %d after paying thrice, want %d", got, res.Ticket.Amount)
		}
		cbs, err := svc.PaymentCallbacks(ctx, "sandbox", 0)
		if err != nil || len(cbs) != 3 || !cbs[0].Verified || cbs[0].RemoteAddr != "sandbox" {
			t.Fatalf("callbacks: %v %+v", err, cbs)
		}
		if code, _ := do("GET", srv.URL+payment.SandboxPayPath+"SBX-NOPE", ""); code != http.StatusNotFound {
			t.Errorf("unknown reference: %d", code)
		}
		again, err := svc.DepositPay(ctx, core.PayParams{Reseller: cr.Reseller, Amount: 20_000, Gateway: "sandbox"})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SetGatewayEnabled(ctx, "sandbox", false); err != nil {
			t.Fatal(err)
		}
		if code, _ := do("GET", again.Payment.CheckoutURL, ""); code != http.StatusConflict {
			t.Errorf("disabled sandbox: %d", code)
		}
		if got := balance(); got != res.Ticket.Amount {
			t.Fatalf("balance %d, want %d", got, res.Ticket.Amount)
		}
		rep, err := db.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger check: %v %v", err, rep)
		}
	})
}
