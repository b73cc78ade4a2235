package payment_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/kios-h2h/kios/internal/payment"
)

// refundFake answers a gateway's refund endpoint with a scripted body and status, recording
// what it was sent.
type refundFake struct {
	mu     sync.Mutex
	status int
	body   string
	path   string
	auth   string
	idem   string
	sent   map[string]any
}

func (f *refundFake) serve(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.path, f.auth, f.idem = r.Method+" "+r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Idempotency-key")
		b, _ := io.ReadAll(r.Body)
		f.sent = map[string]any{}
		_ = json.Unmarshal(b, &f.sent)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		fmt.Fprint(w, f.body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestRefunds: Midtrans's POST /v2/{order_id}/refund and Xendit's POST /refunds against local
// fakes shaped as their published answers: refunded, accepted (pending), not refundable, refused,
// unclear; the idempotency key and the amount sent; the adapters without a refund API have none.
func TestRefunds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := payment.Refund{Reference: "inv-xnd-1", OrderID: "TOKO-261207-ABCD2345", Amount: 2700, Key: "TOKO-261207-ABCD2345-refund", Reason: "Pesanan gagal"}
	cases := []struct {
		kind, name string
		status     int
		body       string
		want       payment.Status
		is         error
	}{
		{payment.Midtrans, "refunded", 200, `{"status_code":"200","status_message":"Success, refund request is approved","order_id":"TOKO-261207-ABCD2345","refund_key":"TOKO-261207-ABCD2345-refund","refund_amount":"2700.00"}`, payment.Refunded, nil},
		{payment.Midtrans, "not refundable", 200, `{"status_code":"412","status_message":"Merchant cannot modify the status of the transaction"}`, "", payment.ErrNoRefund},
		{payment.Midtrans, "refused", 200, `{"status_code":"404","status_message":"Transaction doesn't exist."}`, "", payment.ErrRefused},
		{payment.Midtrans, "unclear", 200, `{"status_code":"500","status_message":"Sorry. Our system is recovering from unexpected issues. Please retry."}`, "", payment.ErrUpstream},
		{payment.Midtrans, "down", 503, `oops`, "", payment.ErrUpstream},
		{payment.Xendit, "refunded", 200, `{"id":"rfd-1","invoice_id":"inv-xnd-1","reference_id":"TOKO-261207-ABCD2345-refund","status":"SUCCEEDED","amount":2700}`, payment.Refunded, nil},
		{payment.Xendit, "pending", 200, `{"id":"rfd-1","invoice_id":"inv-xnd-1","status":"PENDING","amount":2700}`, payment.Pending, nil},
		{payment.Xendit, "failed", 200, `{"id":"rfd-1","status":"FAILED","failure_code":"REFUND_FAILED"}`, "", payment.ErrNoRefund},
		{payment.Xendit, "refused", 400, `{"error_code":"REFUND_NOT_SUPPORTED","message":"Refund is not supported for this channel"}`, "", payment.ErrRefused},
		{payment.Xendit, "unclear", 200, `{"id":"rfd-1","status":"WHATEVER"}`, "", payment.ErrUpstream},
	}
	for _, c := range cases {
		t.Run(c.kind+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			f := &refundFake{status: c.status, body: c.body}
			g, err := payment.New(payment.Config{Name: "gw", Kind: c.kind, BaseURL: f.serve(t), ServerKey: "SB-Mid-server-x", APIKey: "xnd_development_x", CallbackToken: "cb"})
			if err != nil {
				t.Fatal(err)
			}
			rf, ok := g.(payment.Refunder)
			if !ok {
				t.Fatalf("%s has no refund API", c.kind)
			}
			res, err := rf.Refund(ctx, r)
			if c.is != nil {
				if !errors.Is(err, c.is) {
					t.Fatalf("%v, want %v", err, c.is)
				}
			} else if err != nil || res.Status != c.want {
				t.Fatalf("%+v %v, want %s", res, err, c.want)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			switch c.kind {
			case payment.Midtrans:
				if f.path != "POST /v2/TOKO-261207-ABCD2345/refund" || f.sent["refund_key"] != r.Key || f.sent["amount"] != float64(2700) || f.auth == "" {
					t.Fatalf("sent %s %v (auth %q)", f.path, f.sent, f.auth)
				}
			case payment.Xendit:
				if f.path != "POST /refunds" || f.idem != r.Key || f.sent["invoice_id"] != "inv-xnd-1" || f.sent["amount"] != float64(2700) ||
					f.sent["reason"] != "REQUESTED_BY_CUSTOMER" || f.sent["reference_id"] != r.Key {
					t.Fatalf("sent %s %v (idempotency %q)", f.path, f.sent, f.idem)
				}
			}
		})
	}
	// Tripay's and Duitku's published APIs have no refund endpoint.
	for _, kind := range []string{payment.Tripay, payment.Duitku} {
		g, err := payment.New(payment.Config{Name: "gw", Kind: kind, BaseURL: "http://127.0.0.1:1", MerchantCode: "M", APIKey: "k", PrivateKey: "p"})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := g.(payment.Refunder); ok {
			t.Fatalf("%s claims a refund API", kind)
		}
	}
}
