package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/web"
)

// GET /admin/api/orders/{invoice} of an archived order is still a 404, whose error says when
// and where the order went (kios archive); an unknown invoice's stays "order not found".
func TestOrderLookupSaysArchived(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		e := setupOn(t, be, web.Options{})
		e.credit(t, 100000)
		var invoices []string
		for _, ref := range []string{"arc-1", "arc-2", "arc-3"} {
			o := e.place(t, ref, "081200000001")
			if _, err := e.svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: order.Failed, Actor: "t"}); err != nil {
				t.Fatal(err)
			}
			invoices = append(invoices, o.Invoice)
		}
		st, body := e.call("GET", "/admin/api/orders/"+invoices[0], e.token, nil)
		if st != 200 {
			t.Fatalf("before archival: %d %s", st, body)
		}
		res, err := e.db.Archive(ctx, store.ArchiveOptions{Cut: time.Now().Add(time.Hour), Drop: true, Target: store.DropArchive})
		if err != nil || res.Orders == 0 {
			t.Fatalf("archive: %+v %v", res, err)
		}
		st, body = e.call("GET", "/admin/api/orders/"+invoices[0], e.token, nil)
		if st != 404 || !strings.Contains(string(body), "were archived and dropped") {
			t.Fatalf("archived order: %d %s", st, body)
		}
		st, body = e.call("GET", "/admin/api/orders/"+order.NewInvoice(time.Now().Add(2*time.Hour)), e.token, nil)
		if st != 404 || !strings.Contains(string(body), `"order not found"`) {
			t.Fatalf("unknown order: %d %s", st, body)
		}
		e.checkLedger(t)
	})
}
