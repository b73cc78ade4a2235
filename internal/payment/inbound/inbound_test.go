package inbound_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/payment/inbound"
	"github.com/kios-h2h/kios/internal/payment/paytest"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestPaymentCallbackMalformed: through POST /callback/payment/{gateway}, every malformed or
// forged Tripay callback (≥ 30, the body over the limit included) is answered 4xx and changes
// nothing; then the genuine one is answered 200 {"success":true} and credits once, and its
// replay 200 again with nothing moved; an unknown gateway is 404. Both backends.
func TestPaymentCallbackMalformed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		db := be.Open(t)
		svc, err := core.New(ctx, db, core.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		f := paytest.New(t)
		c := f.Config("tripay", payment.Tripay)
		if _, err := svc.AddGateway(ctx, store.Gateway{Name: c.Name, Kind: c.Kind, BaseURL: c.BaseURL, MerchantCode: c.MerchantCode,
			APIKey: c.APIKey, PrivateKey: c.PrivateKey, Methods: c.Methods}); err != nil {
			t.Fatal(err)
		}
		cr, err := svc.CreateReseller(ctx, core.NewReseller{Username: "budi", Name: "Budi"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := svc.DepositPay(ctx, core.PayParams{Reseller: cr.Reseller, Amount: 100_000, Gateway: "tripay", PublicURL: "https://kios.example"})
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.Handle("POST /callback/payment/{gateway}", inbound.Handler(svc, slog.Default()))
		srv := httptest.NewServer(mux)
		defer srv.Close()
		post := func(gw string, h http.Header, body []byte) (int, string) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/callback/payment/"+gw, bytes.NewReader(body))
			req.Header = h.Clone()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		f.SetStatus(res.Ticket.Code, "PAID", "")
		tx := *f.Tx(res.Ticket.Code)
		cases := paytest.Malformed(payment.Tripay, tx)
		if len(cases) < 30 {
			t.Fatalf("%d cases", len(cases))
		}
		for _, c := range cases {
			code, _ := post("tripay", c.Header, c.Body)
			if code < 400 || code >= 500 {
				t.Errorf("%s: HTTP %d, want 4xx", c.Name, code)
			}
			if bal, _ := svc.Balance(ctx, cr.Reseller.ID); bal != 0 {
				t.Fatalf("%s moved money: balance %d", c.Name, bal)
			}
		}
		h, body := f.Callback(payment.Tripay, res.Ticket.Code)
		if code, _ := post("nope", h, body); code != http.StatusNotFound {
			t.Fatalf("unknown gateway: HTTP %d", code)
		}
		for i := 0; i < 2; i++ {
			code, ans := post("tripay", h, body)
			if code != http.StatusOK || ans != `{"success":true}` {
				t.Fatalf("genuine callback: HTTP %d %s", code, ans)
			}
		}
		if bal, _ := svc.Balance(ctx, cr.Reseller.ID); bal != res.Ticket.Amount {
			t.Fatalf("balance %d, want %d", bal, res.Ticket.Amount)
		}
		rep, err := db.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger %v %v", rep.Discrepancies, err)
		}
	})
}
