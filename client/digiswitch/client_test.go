package digiswitch_test

import (
	"context"
	"errors"
	"github.com/kios-h2h/kios/internal/demo"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/digiswitch"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// server runs the real handler over a fresh database with a small catalog and a reseller holding
// 1000000, and returns a client signed in as it.
func server(t *testing.T) (*ds.Client, *core.Service, core.Credentials) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Backends()[0].Open(t)
	svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	pp, pv := demo.Postpaid()
	err = svc.SaveCatalog(ctx, append(pp, catalog.Product{Code: "TSEL", Name: "Telkomsel", Category: "Pulsa", Brand: "TELKOMSEL", Active: true}),
		append(pv, catalog.Variant{ProductCode: "TSEL", Code: "s5", Name: "Telkomsel 5rb", Kind: catalog.Prepaid, Type: "Umum", Active: true,
			UnlimitedStock: true, Multi: true, Prices: map[string]int64{catalog.DefaultTier: 5005}}))
	if err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Username: "tokobudi", Name: "Toko Budi"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credit(ctx, "tokobudi", 1000000, "test"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(digiswitch.New(svc, digiswitch.Options{PriceListEvery: -1}))
	t.Cleanup(srv.Close)
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = svc.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond}); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return ds.New(srv.URL, cr.Reseller.Username, cr.APIKey, ds.WithTimeout(5*time.Second)), svc, cr
}

func TestClientAgainstHandler(t *testing.T) {
	t.Parallel()
	c, svc, cr := server(t)
	ctx := context.Background()
	items, err := c.PriceListPrepaid(ctx, "")
	if err != nil || len(items) != 1 || items[0].Code != "s5" || items[0].Price != 5005 || !items[0].Status {
		t.Fatalf("prepaid list %+v %v", items, err)
	}
	pasca, err := c.PriceListPasca(ctx, "dspln")
	if err != nil || len(pasca) != 1 || pasca[0].Admin != 2500 || pasca[0].Commission != 100 {
		t.Fatalf("pasca list %+v %v", pasca, err)
	}
	if bal, err := c.Balance(ctx); err != nil || bal != 1000000 {
		t.Fatalf("balance %d %v", bal, err)
	}
	dep, err := c.Deposit(ctx, 50000, "BCA", "Budi")
	if err != nil || dep.RC != ds.RCSuccess || dep.Amount <= 50000 || dep.Notes == "" {
		t.Fatalf("deposit %+v %v", dep, err)
	}

	req := ds.TransactionRequest{Code: "s5", CustomerNo: "081234567890", RefID: "c-1"}
	resp, err := c.Transaction(ctx, req)
	if err != nil || !ds.IsPending(resp.RC) && resp.RC != ds.RCSuccess || resp.Balance != 1000000-5005 {
		t.Fatalf("transaction %+v %v", resp, err)
	}
	for deadline := time.Now().Add(5 * time.Second); ds.IsPending(resp.RC) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		if resp, err = c.Transaction(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	if resp.RC != ds.RCSuccess || resp.SN == "" || resp.Status != ds.StatusSuccess {
		t.Fatalf("final %+v", resp)
	}

	// Refusals are *APIError with the rc; the echo is still decoded.
	resp, err = c.Transaction(ctx, ds.TransactionRequest{Code: "s5", CustomerNo: "0899", RefID: "c-1"})
	var apiErr *ds.APIError
	if !errors.As(err, &apiErr) || apiErr.RC != ds.RCRefConflict || resp.RefID != "c-1" || errors.Is(err, ds.ErrUnknownOutcome) {
		t.Fatalf("conflict: %v %+v", err, resp)
	}
	// A failed transaction is an answer and an *APIError with rc 02.
	resp, err = c.Transaction(ctx, ds.TransactionRequest{Code: "s5", CustomerNo: "081200000000", RefID: "c-2"})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); err == nil && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		resp, err = c.Transaction(ctx, ds.TransactionRequest{Code: "s5", CustomerNo: "081200000000", RefID: "c-2"})
	}
	if !errors.As(err, &apiErr) || apiErr.RC != ds.RCFailed || resp.Status != ds.StatusFailed || resp.Price != 5005 {
		t.Fatalf("failed: %v %+v", err, resp)
	}

	inq, err := c.Postpaid(ctx, ds.CommandInquiry, ds.TransactionRequest{Code: "dspln", CustomerNo: "530000000001", RefID: "c-3"})
	if err != nil || inq.RC != ds.RCSuccess || inq.Name == "" || inq.SellingPrice-inq.Price != 100 {
		t.Fatalf("inquiry %+v %v", inq, err)
	}
	var desc ds.PLNDesc
	if err := jsonUnmarshal(inq.Desc, &desc); err != nil || desc.Tarif == "" || len(desc.Detail) == 0 {
		t.Fatalf("desc %s %v", inq.Desc, err)
	}
	pay, err := c.Postpaid(ctx, ds.CommandPay, ds.TransactionRequest{Code: "dspln", CustomerNo: "530000000001", RefID: "c-3"})
	if err != nil || pay.Price != inq.Price {
		t.Fatalf("pay %+v %v", pay, err)
	}
	if _, err := c.Postpaid(ctx, ds.CommandStatus, ds.TransactionRequest{Code: "dspln", CustomerNo: "530000000001", RefID: "c-none"}); !errors.As(err, &apiErr) || apiErr.RC != ds.RCNotFound {
		t.Fatalf("status of nothing: %v", err)
	}
	tok, err := c.Token(ctx, "530000000001")
	if err != nil || tok.MeterNo == "" || tok.SegmentPower == "" {
		t.Fatalf("token %+v %v", tok, err)
	}

	bad := ds.New(c.BaseURL(), cr.Reseller.Username, "wrongkey")
	if _, err := bad.Balance(ctx); !errors.As(err, &apiErr) || apiErr.RC != ds.RCSign {
		t.Fatalf("wrong key: %v", err)
	}
	if bal, _ := svc.Balance(ctx, cr.Reseller.ID); bal != 1000000-5005-inq.Price {
		t.Fatalf("balance %d", bal)
	}
}

// TestClientUnknownOutcome: timeouts, 5xx, unreadable answers and broken connections are
// ErrUnknownOutcome, never an *APIError.
func TestClientUnknownOutcome(t *testing.T) {
	t.Parallel()
	handlers := map[string]http.HandlerFunc{
		"5xx":        func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", http.StatusBadGateway) },
		"garbage":    func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>")) },
		"empty data": func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"data":null}`)) },
		"missing rc": func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"data":{"ref_id":"x"}}`)) },
		"wrong types": func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"data":{"rc":"00","price":"5005"}}`))
		},
		"slow": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		},
		"reset": func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					_ = tc.SetLinger(0)
				}
				conn.Close()
			}
		},
	}
	var apiErr *ds.APIError
	for name, h := range handlers {
		srv := httptest.NewServer(h)
		defer srv.Close()
		c := ds.New(srv.URL, "u", "k", ds.WithTimeout(200*time.Millisecond))
		_, err := c.Transaction(context.Background(), ds.TransactionRequest{Code: "s5", CustomerNo: "0812", RefID: "x"})
		if !errors.Is(err, ds.ErrUnknownOutcome) || errors.As(err, &apiErr) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A 4xx that is not this dialect's answer is a definite refusal: nothing was done.
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, err := ds.New(srv.URL, "u", "k").Balance(context.Background())
	if !errors.As(err, &apiErr) || errors.Is(err, ds.ErrUnknownOutcome) {
		t.Errorf("404: %v", err)
	}
	// No connection: the request was never sent, which is neither.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = ds.New("http://"+addr, "u", "k").Transaction(context.Background(), ds.TransactionRequest{RefID: "x"})
	if err == nil || errors.Is(err, ds.ErrUnknownOutcome) || errors.As(err, &apiErr) {
		t.Errorf("connection refused: %v", err)
	}
	// The context bounds a call too.
	slow := httptest.NewServer(handlers["slow"])
	defer slow.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := ds.New(slow.URL, "u", "k").Balance(ctx); !errors.Is(err, ds.ErrUnknownOutcome) {
		t.Errorf("context deadline: %v", err)
	}
}
