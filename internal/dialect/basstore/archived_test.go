package basstore_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// POST /api/v1/status-order/{invoice} of an archived order (kios archive) is still a 404 in the
// dialect's envelope, saying the invoice was archived and before when, not where; an unknown
// invoice's stays "Invoice not found" (issue 22 item 4).
func TestStatusOfArchivedOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := basstoretest.New(t, basstoretest.Config{Backend: b})
		ctx := context.Background()
		e.Fund(t, e.A, 100000)
		var invoices []string
		for _, ref := range []string{"arc-1", "arc-2", "arc-3"} {
			code, ans := call(t, e, http.MethodPost, "/api/v1/order", e.A.Token, `{"code":"S5","referenceNumber":"`+ref+`","data":"081234567890"}`)
			if code != http.StatusOK {
				t.Fatalf("order %s: %d %s", ref, code, ans)
			}
			inv := invoiceOf(t, ans)
			if _, err := e.Svc.ResolveOrder(ctx, core.Resolution{Invoice: inv, Status: order.Failed, Actor: "t"}); err != nil {
				t.Fatal(err)
			}
			invoices = append(invoices, inv)
		}
		res, err := e.DB.Archive(ctx, store.ArchiveOptions{Cut: time.Now().Add(time.Hour), Drop: true, Target: store.DropArchive})
		if err != nil || res.Orders == 0 {
			t.Fatalf("archive: %+v %v", res, err)
		}
		code, ans := call(t, e, http.MethodPost, "/api/v1/status-order/"+invoices[0], e.A.Token, "")
		if code != http.StatusNotFound || !strings.Contains(string(ans), "Invoice archived: final orders made before ") ||
			strings.Contains(string(ans), "drop") {
			t.Fatalf("archived invoice: %d %s", code, ans)
		}
		code, ans = call(t, e, http.MethodPost, "/api/v1/status-order/"+order.NewInvoice(time.Now().Add(2*time.Hour)), e.A.Token, "")
		if code != http.StatusNotFound || !strings.Contains(string(ans), `"Invoice not found"`) {
			t.Fatalf("unknown invoice: %d %s", code, ans)
		}
	})
}
