package basstore_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
)

// TestClientAgainstServer drives the real handler through the client: every answer parses, and
// every refusal is an *APIError with the server's code.
func TestClientAgainstServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := basstoretest.New(t, basstoretest.Config{Workers: true})
	e.Fund(t, e.A, 5000)
	c := basstore.NewClient(e.URL, e.A.Token, basstore.Options{Timeout: 10 * time.Second})

	bal, err := c.Balance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if *bal != (basstore.Balance{Name: "Cishop Indo", Email: "support@cishopindo.co.id", Telp: "6282113064552", Membership: "Gold", Balance: 5000}) {
		t.Fatalf("balance %+v", bal)
	}
	ps, err := c.Products(ctx)
	if err != nil || len(ps) != len(basstoretest.Products) {
		t.Fatalf("products %+v %v", ps, err)
	}
	if ps[1] != (basstore.Product{Code: "mobile-legends", Name: "Mobile Legends", IsActive: true}) {
		t.Fatalf("product %+v", ps[1])
	}
	vs, err := c.Variants(ctx, "mobile-legends")
	if err != nil || len(vs) == 0 {
		t.Fatalf("variants %+v %v", vs, err)
	}
	if v := vs[0]; v.Code != "MLBB_ID_5" || v.Price != 1389 || v.IsActive != basstore.VariantActive || v.ProcessDuration != "0" || v.ID == 0 {
		t.Fatalf("variant %+v", v)
	}

	req := basstore.OrderRequest{Code: "MLBB_ID_5", ReferenceNumber: "cli-1", Data: "12345678(1234)"}
	ans, err := c.Order(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Order(ctx, req)
	if err != nil || again.InvoiceNumber != ans.InvoiceNumber {
		t.Fatalf("retry: %+v %v", again, err)
	}
	e.WaitFinal(t, e.A, ans.InvoiceNumber)
	st, err := c.Status(ctx, ans.InvoiceNumber)
	if err != nil {
		t.Fatal(err)
	}
	if st.InvoiceNumber != ans.InvoiceNumber || st.StatusCode != basstore.StatusSuccess || st.UserData != req.Data ||
		st.ProductName != "Mobile Legends 5 (5+0) Diamonds" || st.SN == "" || st.Price != 1389 || st.ReferenceNumber != "cli-1" ||
		st.Code != "MLBB_ID_5" || st.CreatedAt.IsZero() || st.UpdatedAt.Before(st.CreatedAt) {
		t.Fatalf("status %+v", st)
	}
	if _, off := st.CreatedAt.Zone(); off != 7*3600 {
		t.Fatalf("createdAt offset %d, want +07:00", off)
	}

	refusals := []struct {
		name string
		call func() error
		code int
	}{
		{"unknown token", func() error {
			_, err := basstore.NewClient(e.URL, "wrong", basstore.Options{}).Balance(ctx)
			return err
		}, 401},
		{"unknown product", func() error { _, err := c.Variants(ctx, "nope"); return err }, 404},
		{"missing code", func() error { _, err := c.Variants(ctx, ""); return err }, 400},
		{"unknown variant", func() error {
			_, err := c.Order(ctx, basstore.OrderRequest{Code: "NOPE", ReferenceNumber: "cli-2", Data: "1"})
			return err
		}, 404},
		{"missing data", func() error {
			_, err := c.Order(ctx, basstore.OrderRequest{Code: "MLBB_ID_5", ReferenceNumber: "cli-3"})
			return err
		}, 400},
		{"reference reused", func() error {
			_, err := c.Order(ctx, basstore.OrderRequest{Code: "MLBB_ID_5", ReferenceNumber: "cli-1", Data: "999"})
			return err
		}, 409},
		{"insufficient balance", func() error {
			_, err := c.Order(ctx, basstore.OrderRequest{Code: "MLBB_WDP", ReferenceNumber: "cli-4", Data: "1"})
			return err
		}, 402},
		{"inactive", func() error {
			_, err := c.Order(ctx, basstore.OrderRequest{Code: "MLBB_OFF", ReferenceNumber: "cli-5", Data: "1"})
			return err
		}, 422},
		{"unknown invoice", func() error { _, err := c.Status(ctx, "KIOS-261124-0000000000AA"); return err }, 404},
	}
	for _, r := range refusals {
		err := r.call()
		var ae *basstore.APIError
		if !errors.As(err, &ae) || ae.Code != r.code || ae.Message == "" {
			t.Errorf("%s: got %v, want APIError %d", r.name, err, r.code)
		}
		if errors.Is(err, basstore.ErrUnknownOutcome) {
			t.Errorf("%s: a refusal reported as unknown outcome", r.name)
		}
	}
	if got := e.Balance(t, e.A); got != 5000-1389 {
		t.Fatalf("balance %d", got)
	}
}

// TestClientUnknownOutcome checks that whatever a broken server or network does after the
// request was sent is reported as ErrUnknownOutcome, never as a refusal or a success.
func TestClientUnknownOutcome(t *testing.T) {
	t.Parallel()
	cases := map[string]http.HandlerFunc{
		"502 html": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html>Bad Gateway</html>"))
		},
		"500 envelope": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"error":true,"code":500,"message":"Internal server error","data":null}`))
		},
		"200 garbage": func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("OK")) },
		"200 truncated": func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"error":false,"code":200,"message":"Success","data":{"invoiceNumber":"KI`))
		},
		"200 no data": func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"error":false,"code":200,"message":"Success","data":null}`))
		},
		"200 wrong type": func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"error":false,"code":200,"message":"Success","data":{"invoiceNumber":42}}`))
		},
		"200 empty object": func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{}`)) },
		"redirect": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		},
		"connection closed": func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		},
		"slow": func(w http.ResponseWriter, r *http.Request) {
			// Reading the body lets the server notice the client hanging up.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(h)
			defer srv.Close()
			c := basstore.NewClient(srv.URL, "token", basstore.Options{Timeout: 300 * time.Millisecond})
			_, err := c.Order(context.Background(), basstore.OrderRequest{Code: "MLBB_ID_5", ReferenceNumber: "r", Data: "1"})
			if !errors.Is(err, basstore.ErrUnknownOutcome) {
				t.Fatalf("got %v, want ErrUnknownOutcome", err)
			}
			var ae *basstore.APIError
			if errors.As(err, &ae) {
				t.Fatalf("unknown outcome also reported as refusal %v", ae)
			}
		})
	}
}

// TestClientNotSent checks that a request that never left (nothing listening) is neither a
// refusal nor an unknown outcome: it is safe to send again.
func TestClientNotSent(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := basstore.NewClient("http://"+addr, "token", basstore.Options{Timeout: time.Second})
	_, err = c.Order(context.Background(), basstore.OrderRequest{Code: "MLBB_ID_5", ReferenceNumber: "r", Data: "1"})
	var ae *basstore.APIError
	if err == nil || errors.Is(err, basstore.ErrUnknownOutcome) || errors.As(err, &ae) {
		t.Fatalf("got %v, want a plain not-sent error", err)
	}
	if !strings.Contains(err.Error(), "not sent") {
		t.Fatalf("error %q does not say the request was not sent", err)
	}
}
