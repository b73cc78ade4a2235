package web_test

import (
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/web"
)

// TestSupplierBoundsEndpoint: PATCH /admin/api/suppliers/{name} is `kios supplier set`: it sets
// max_inflight and rate (a key left out keeps its value), refuses nonsense naming the key, and is
// audited; POST /admin/api/suppliers takes both too.
func TestSupplierBoundsEndpoint(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := setupOn(t, b, web.Options{})
		var sup struct {
			Supplier web.SupplierStatus `json:"supplier"`
		}
		e.api("POST", "/admin/api/suppliers", map[string]any{"name": "hulu", "kind": "digiflazz", "base_url": "https://h2h.hulu.example/v1",
			"username": "u", "api_key": "k", "rate": 10}, 201, &sup)
		if sup.Supplier.MaxInflight != 1000 || sup.Supplier.Rate != 10 {
			t.Fatalf("added: %+v", sup.Supplier)
		}
		e.api("PATCH", "/admin/api/suppliers/hulu", map[string]any{"max_inflight": 250}, 200, &sup)
		if sup.Supplier.MaxInflight != 250 || sup.Supplier.Rate != 10 {
			t.Fatalf("after max_inflight: %+v", sup.Supplier)
		}
		e.api("PATCH", "/admin/api/suppliers/hulu", map[string]any{"rate": 0}, 200, &sup)
		if sup.Supplier.MaxInflight != 250 || sup.Supplier.Rate != 0 {
			t.Fatalf("after rate: %+v", sup.Supplier)
		}
		for body, field := range map[string]map[string]any{"max_inflight": {"max_inflight": 0}, "rate": {"rate": -1}} {
			if st, raw := e.call("PATCH", "/admin/api/suppliers/hulu", e.token, field); st != 400 || !strings.Contains(string(raw), `"field":"`+body+`"`) {
				t.Errorf("%v: %d %s", field, st, raw)
			}
		}
		if st, _ := e.call("PATCH", "/admin/api/suppliers/nobody", e.token, map[string]any{"max_inflight": 5}); st != 404 {
			t.Errorf("unknown supplier: %d", st)
		}
		var audit struct {
			Entries []struct {
				Action string `json:"action"`
			} `json:"entries"`
		}
		e.api("GET", "/admin/api/audit", nil, 200, &audit)
		n := 0
		for _, a := range audit.Entries {
			if a.Action == "supplier.set" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d supplier.set audit rows, want 2", n)
		}
	})
}
