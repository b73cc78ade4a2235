package bench_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/bench"
)

// TestSupplierLatency: with a supplier latency and --baseline the run also measures an instant
// supplier and reports fulfilled_vs_instant and upstream_inflight_max; with --supplier-http the
// orders are bought from a second Kios over each dialect (the upstream's in-flight requests seen
// by the embedded one), and every order is final and the ledger holds.
func TestSupplierLatency(t *testing.T) {
	t.Parallel()
	for _, via := range []string{"", "basstore", "digiswitch", "digiflazz"} {
		t.Run("via-"+via, func(t *testing.T) {
			t.Parallel()
			res, err := bench.Run(context.Background(), bench.Config{Concurrency: 4, Orders: 60, SKUs: 20, Baseline: true,
				SupplierLatency: 100 * time.Millisecond, SupplierHTTP: via})
			if err != nil {
				t.Fatal(err)
			}
			if res.Accepted != 60 || res.Fulfilled != 60 || len(res.Errors) != 0 || !res.LedgerOK {
				t.Fatalf("accepted %d, fulfilled %d, errors %v, ledger %s", res.Accepted, res.Fulfilled, res.Errors, res.LedgerNote)
			}
			if res.UpstreamInflightMax == nil || *res.UpstreamInflightMax < 1 || res.FulfilledVsInstant == nil || *res.FulfilledVsInstant <= 0 {
				t.Fatalf("upstream_inflight_max %v, fulfilled_vs_instant %v", res.UpstreamInflightMax, res.FulfilledVsInstant)
			}
			raw, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"fulfilled_vs_instant", "upstream_inflight_max", "supplier_latency_ms"} {
				if _, ok := m[k]; !ok {
					t.Errorf("JSON lacks %q: %s", k, raw)
				}
			}
			if via != "" && m["supplier_http"] != via {
				t.Errorf("supplier_http %v", m["supplier_http"])
			}
		})
	}
	if _, err := bench.Run(context.Background(), bench.Config{SupplierHTTP: "gopay"}); err == nil {
		t.Error("an unknown dialect was taken")
	}
}
