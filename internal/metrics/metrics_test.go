package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/metrics"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/simulator"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// A handler that wraps its mux (here, to limit bodies) still gets the route pattern as label,
// read from r.Pattern after serving.
func TestMiddlewareWrappedMux(t *testing.T) {
	t.Parallel()
	m := metrics.New(nil, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/user/api/order", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
	})
	h := m.Middleware("digiswitch", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<10)
		mux.ServeHTTP(w, r)
	}))
	for i := 0; i < 3; i++ {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/v1/user/api/order", strings.NewReader("{}")))
	}
	text := scrape(t, m)
	want := `kios_http_request_duration_seconds_count{code="201",handler="digiswitch",method="POST",route="POST /v1/user/api/order"} 3`
	if !strings.Contains(text, want) {
		t.Fatalf("want %s in\n%s", want, text)
	}
}

func TestSupplierDecorator(t *testing.T) {
	t.Parallel()
	m := metrics.New(nil, nil)
	sim := m.Supplier("simulator", supplier.AsConnection(simulator.New(0)))
	if sim.Name() != "simulator" {
		t.Fatalf("name %q", sim.Name())
	}
	ctx := context.Background()
	_, _ = sim.Purchase(ctx, supplier.Request{Reference: "A-1", Destination: "0811"})
	_, _ = sim.Purchase(ctx, supplier.Request{Reference: "A-2", Destination: "08110000"})
	_, _ = sim.Status(ctx, supplier.Request{Reference: "A-1", Destination: "0811"})
	// Started purchases are counted as purchases; what is not buying is forwarded, uncounted.
	done := make(chan struct{})
	sim.StartPurchase(ctx, supplier.Request{Reference: "A-3", Destination: "0811"}, func(supplier.Result, error) { close(done) })
	<-done
	if _, err := sim.Inquire(ctx, supplier.BillRequest{Reference: "I-1", SKU: "PLN", Product: "PLN", CustomerNo: "530000000001"}); err != nil {
		t.Fatalf("inquiry through the decorator: %v", err)
	}
	text := scrape(t, m)
	for _, want := range []string{
		`kios_supplier_results_total{op="purchase",state="success",supplier="simulator"} 2`,
		`kios_supplier_results_total{op="purchase",state="failed",supplier="simulator"} 1`,
		`kios_supplier_results_total{op="status",state="success",supplier="simulator"} 1`,
		`kios_supplier_request_duration_seconds_count{op="purchase",supplier="simulator"} 3`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("want %s", want)
		}
	}
	if strings.Contains(text, "kios_supplier_errors_total{") {
		t.Error("errors counted without any error")
	}
	if strings.Contains(text, `op="inquire"`) {
		t.Error("an inquiry counted as a supplier call")
	}
}
