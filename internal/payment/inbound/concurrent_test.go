package inbound_test

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestConcurrentCallbacks: 20 identical paid callbacks POSTed at once to
// /callback/payment/{gateway}, for a gateway confirmed by a status API (Midtrans) and one that is
// not (Tripay), are each answered 200 (so the provider stops sending) and credit the ticket once;
// every one is recorded, verified. The ledger check is clean. Both backends.
func TestConcurrentCallbacks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		svc, f, srv := callbackServer(t, be)
		for _, kind := range []string{payment.Tripay, payment.Midtrans} {
			c := f.Config(kind, kind)
			if _, err := svc.AddGateway(ctx, store.Gateway{Name: c.Name, Kind: c.Kind, BaseURL: c.BaseURL, MerchantCode: c.MerchantCode,
				APIKey: c.APIKey, PrivateKey: c.PrivateKey, ServerKey: c.ServerKey, Methods: c.Methods}); err != nil {
				t.Fatal(err)
			}
			cr, err := svc.CreateReseller(ctx, core.NewReseller{Username: "sari-" + kind, Name: "Sari " + kind})
			if err != nil {
				t.Fatal(err)
			}
			res, err := svc.DepositPay(ctx, core.PayParams{Reseller: cr.Reseller, Amount: 250_000, Gateway: kind, PublicURL: "https://kios.example"})
			if err != nil {
				t.Fatal(err)
			}
			f.SetStatus(res.Ticket.Code, paidWord[kind], "accept")
			h, body := f.Callback(kind, res.Ticket.Code)
			var wg sync.WaitGroup
			codes := make(chan int, 20)
			for i := 0; i < 20; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					req, _ := http.NewRequest(http.MethodPost, srv.URL+"/callback/payment/"+kind, bytes.NewReader(body))
					req.Header = h.Clone()
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						codes <- 0
						return
					}
					resp.Body.Close()
					codes <- resp.StatusCode
				}()
			}
			wg.Wait()
			close(codes)
			for code := range codes {
				if code != http.StatusOK {
					t.Errorf("%s: a copy answered %d, want 200", kind, code)
				}
			}
			if bal, _ := svc.Balance(ctx, cr.Reseller.ID); bal != res.Ticket.Amount {
				t.Fatalf("%s: balance %d after 20 copies, want %d once", kind, bal, res.Ticket.Amount)
			}
			cbs, err := svc.PaymentCallbacks(ctx, kind, 0)
			if err != nil || len(cbs) != 20 {
				t.Fatalf("%s: %d callbacks recorded, want 20 (%v)", kind, len(cbs), err)
			}
			for _, cb := range cbs {
				if !cb.Verified {
					t.Errorf("%s: a copy recorded unverified: %+v", kind, cb)
				}
			}
		}
		rep, err := svc.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger %v %v", rep.Discrepancies, err)
		}
	})
}
