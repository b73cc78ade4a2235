package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/web"
)

// TestResolveWithOpenAttempt (issue 14): the resolve endpoint answers 409 with the open attempt
// unless "force": true; the dashboard shows the attempt and posts force only through its
// confirmation box; the supplier's late success after the forced refund is listed by
// GET /admin/api/orders/late-deliveries and its page, and counted by kios_late_deliveries_total.
func TestResolveWithOpenAttempt(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setupOn(t, be, web.Options{})
		ctx := context.Background()
		e.credit(t, 10000)
		o := e.place(t, "open-1", "081277778888")
		ref := o.Invoice + "-1"
		if err := e.db.Batch(ctx, func(tx *store.Tx) error {
			return tx.AttemptInsert(ctx, &store.Attempt{OrderID: o.ID, Supplier: "hulu", SKU: "ML5", Reference: ref, Cost: 1200})
		}); err != nil {
			t.Fatal(err)
		}

		st, body := e.call("POST", "/admin/api/orders/"+o.Invoice+"/resolve", e.token, map[string]any{"status": "Failed"})
		var conflict struct {
			Error   string `json:"error"`
			Attempt struct {
				Reference string `json:"reference"`
				Supplier  string `json:"supplier"`
				State     string `json:"state"`
			} `json:"attempt"`
		}
		if st != 409 || json.Unmarshal(body, &conflict) != nil || conflict.Attempt.Reference != ref || conflict.Attempt.Supplier != "hulu" ||
			conflict.Attempt.State != "sent" || !strings.Contains(conflict.Error, "force") {
			t.Fatalf("resolve with an open attempt: %d %s", st, body)
		}

		// The dashboard shows the open attempt and a confirmation box; a post without it is refused.
		b := e.login(t)
		st, page := b.do(t, "GET", "/admin/orders/"+o.Invoice, "", nil)
		if st != 200 || !strings.Contains(string(page), `id="open-attempt"`) || !strings.Contains(string(page), ref) ||
			!strings.Contains(string(page), `name="force"`) {
			t.Fatalf("order page: %d, want the open attempt and the force box", st)
		}
		form := url.Values{"status": {"Failed"}, "csrf": {b.csrf}}
		if st, _ := b.do(t, "POST", "/admin/orders/"+o.Invoice+"/resolve", "", form); st != 303 {
			t.Fatalf("resolve form: %d", st)
		}
		if got, _ := e.db.OrderByID(ctx, o.ID); got.Status != order.Pending {
			t.Fatalf("resolved without confirmation: %+v", got)
		}
		if _, page := b.do(t, "GET", "/admin/orders/"+o.Invoice, "", nil); !strings.Contains(string(page), "resolve with force") {
			t.Fatal("the refusal is not shown")
		}
		form.Set("force", "1")
		if st, loc := b.do(t, "POST", "/admin/orders/"+o.Invoice+"/resolve", "", form); st != 303 || !strings.Contains(string(loc), "ok=") {
			t.Fatalf("forced resolve form: %d %s", st, loc)
		}
		if got, _ := e.db.OrderByID(ctx, o.ID); got.Status != order.Failed {
			t.Fatalf("forced resolve: %+v", got)
		}
		// The API's force works the same (the order is final now: 409 of another kind).
		if st, body := e.call("POST", "/admin/api/orders/"+o.Invoice+"/resolve", e.token, map[string]any{"status": "Failed", "force": true}); st != 409 ||
			strings.Contains(string(body), `"attempt"`) {
			t.Fatalf("resolve of a final order: %d %s", st, body)
		}

		var late struct {
			LateDeliveries []struct {
				Order   web.OrderView `json:"order"`
				Attempt *struct {
					Reference string `json:"reference"`
					SN        string `json:"sn"`
				} `json:"attempt"`
				Detail string `json:"detail"`
			} `json:"late_deliveries"`
		}
		e.api("GET", "/admin/api/orders/late-deliveries", nil, 200, &late)
		if len(late.LateDeliveries) != 0 {
			t.Fatalf("late deliveries before any: %+v", late)
		}
		// The supplier delivers after all (its callback).
		if err := e.svc.ResolveAttempt(ctx, "hulu", ref, supplier.Result{State: supplier.Success, SN: "LATE-SN-1", Cost: 1200}); err != nil {
			t.Fatal(err)
		}
		e.api("GET", "/admin/api/orders/late-deliveries", nil, 200, &late)
		if len(late.LateDeliveries) != 1 || late.LateDeliveries[0].Order.Invoice != o.Invoice || late.LateDeliveries[0].Order.Status != "Failed" ||
			late.LateDeliveries[0].Order.Reseller != "testshop" || late.LateDeliveries[0].Attempt == nil || late.LateDeliveries[0].Attempt.SN != "LATE-SN-1" {
			t.Fatalf("late deliveries: %+v", late)
		}
		if st, page := b.do(t, "GET", "/admin/orders/late-deliveries", "", nil); st != 200 || !strings.Contains(string(page), o.Invoice) ||
			!strings.Contains(string(page), "LATE-SN-1") {
			t.Fatalf("late deliveries page: %d", st)
		}
		if st, body := e.call("GET", "/metrics", e.token, nil); st != 200 || !strings.Contains(string(body), "kios_late_deliveries_total 1") {
			t.Fatalf("metrics: %d, want kios_late_deliveries_total 1", st)
		}
		e.checkLedger(t)
	})
}
