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
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// paidWord is each fake provider's word for a paid transaction.
var paidWord = map[string]string{payment.Tripay: "PAID", payment.Midtrans: "settlement", payment.Duitku: "00", payment.Xendit: "PAID"}

// TestPaymentCallbackMalformed: through POST /callback/payment/{gateway}, for every provider
// (Tripay, Midtrans, Duitku, Xendit and the Moota-style mutation feed), every malformed or
// forged callback (≥ 30 each, the body over the limit included) is answered 4xx and changes
// nothing; then the genuine one is answered 200 with the provider's acknowledgement and credits
// once, and its replay 200 again with nothing moved; an unknown gateway is 404. The ledger
// check is clean after. Both backends.
func TestPaymentCallbackMalformed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		svc, f, srv := callbackServer(t, be)
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
		for _, kind := range []string{payment.Tripay, payment.Midtrans, payment.Duitku, payment.Xendit, payment.Moota} {
			c := f.Config(kind, kind)
			if _, err := svc.AddGateway(ctx, store.Gateway{Name: c.Name, Kind: c.Kind, BaseURL: c.BaseURL, MerchantCode: c.MerchantCode,
				APIKey: c.APIKey, PrivateKey: c.PrivateKey, ServerKey: c.ServerKey, CallbackToken: c.CallbackToken, Secret: c.Secret,
				Methods: c.Methods}); err != nil {
				t.Fatal(err)
			}
			cr, err := svc.CreateReseller(ctx, core.NewReseller{Username: "budi-" + kind, Name: "Budi " + kind})
			if err != nil {
				t.Fatal(err)
			}
			res, err := svc.DepositPay(ctx, core.PayParams{Reseller: cr.Reseller, Amount: 100_000, Gateway: kind, PublicURL: "https://kios.example"})
			if err != nil {
				t.Fatal(err)
			}
			var tx paytest.Tx
			var h http.Header
			var body []byte
			if kind == payment.Moota {
				tx = paytest.Tx{Kind: kind, Reference: "mut-1", OrderID: res.Ticket.Code, Amount: res.Ticket.Amount}
				h, body = paytest.SignedCallback(kind, tx)
			} else {
				f.SetStatus(res.Ticket.Code, paidWord[kind], "accept")
				tx = *f.Tx(res.Ticket.Code)
				h, body = f.Callback(kind, res.Ticket.Code)
			}
			cases := paytest.Malformed(kind, tx)
			if len(cases) < 30 {
				t.Fatalf("%s: %d cases", kind, len(cases))
			}
			for _, c := range cases {
				code, _ := post(kind, c.Header, c.Body)
				if code < 400 || code >= 500 {
					t.Errorf("%s %s: HTTP %d, want 4xx", kind, c.Name, code)
				}
				if bal, _ := svc.Balance(ctx, cr.Reseller.ID); bal != 0 {
					t.Fatalf("%s %s moved money: balance %d", kind, c.Name, bal)
				}
			}
			if kind == payment.Tripay {
				if code, _ := post("nope", h, body); code != http.StatusNotFound {
					t.Fatalf("unknown gateway: HTTP %d", code)
				}
			}
			for i := 0; i < 2; i++ {
				code, ans := post(kind, h, body)
				if code != http.StatusOK || (kind == payment.Tripay && ans != `{"success":true}`) {
					t.Fatalf("%s genuine callback: HTTP %d %s", kind, code, ans)
				}
			}
			if bal, _ := svc.Balance(ctx, cr.Reseller.ID); bal != res.Ticket.Amount {
				t.Fatalf("%s: balance %d, want %d", kind, bal, res.Ticket.Amount)
			}
		}
		rep, err := svc.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger %v %v", rep.Discrepancies, err)
		}
	})
}

// callbackServer is the public listener's payment callback route over a fresh service, and the
// providers' fakes.
func callbackServer(t *testing.T, be storetest.Backend) (*core.Service, *paytest.Fake, *httptest.Server) {
	t.Helper()
	svc, err := core.New(context.Background(), be.Open(t), core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /callback/payment/{gateway}", inbound.Handler(svc, slog.Default()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return svc, paytest.New(t), srv
}
