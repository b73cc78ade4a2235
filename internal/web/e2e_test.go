package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kios-h2h/kios/internal/browsertest"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
	"github.com/kios-h2h/kios/internal/web"
)

// seedHistory places and settles orders over the past days, so the chart has something to show.
func seedHistory(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	r, err := e.svc.Reseller(ctx, e.cr.Reseller.Username)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for d := 13; d >= 1; d-- {
		day := now.AddDate(0, 0, -d)
		past, err := core.New(ctx, e.db, core.Config{Router: simroute.New(0), Now: func() time.Time { return day }, Logger: e.svc.Logger()})
		if err != nil {
			t.Fatal(err)
		}
		n := 3 + (d*7)%9
		for i := 0; i < n; i++ {
			p, err := past.PlaceOrder(ctx, core.PlaceParams{Reseller: r, VariantCode: "MLBB_ID_5",
				Reference: fmt.Sprintf("hist-%d-%d", d, i), Destination: fmt.Sprintf("0812%04d%02d", d, i)})
			if err != nil {
				t.Fatal(err)
			}
			// An attempt with a cost, as a supplier would have charged, so the chart shows a margin.
			err = e.db.Batch(ctx, func(tx *store.Tx) error {
				return tx.AttemptInsert(ctx, &store.Attempt{OrderID: p.Order.ID, Supplier: "simulator", SKU: "MLBB_ID_5",
					Reference: p.Order.Invoice + "-1", Cost: 1250 - int64(d*5)})
			})
			if err != nil {
				t.Fatal(err)
			}
			// Forced: the seeded attempt stands open (no worker asks after it).
			res := core.Resolution{Invoice: p.Order.Invoice, Status: order.Success, SN: fmt.Sprintf("%020d", d*100+i), Actor: "seed", Force: true}
			if i%5 == 4 {
				res = core.Resolution{Invoice: p.Order.Invoice, Status: order.Failed, Actor: "seed", Force: true}
			}
			if _, err := past.ResolveOrder(ctx, res); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestBrowser drives the dashboard in headless Chromium: log in, approve a deposit ticket, find an
// order and mark it failed, then check the balance and the audit log. With KIOS_SCREENSHOTS set to
// a directory, it saves screenshots of the main pages there (docs/screenshots in the repository):
//
//	KIOS_SCREENSHOTS=$PWD/docs/screenshots go test -run TestBrowser ./internal/web
func TestBrowser(t *testing.T) {
	br := browsertest.Start(t, browsertest.Desktop)
	e := setup(t, web.Options{})
	ctx := context.Background()
	gamer, err := e.svc.CreateReseller(ctx, core.NewReseller{Name: "Gamer Store Jaya", Membership: "gold"})
	if err != nil {
		t.Fatal(err)
	}
	e.credit(t, 200000)
	seedHistory(t, e)
	// Today: a few delivered orders, one still pending, and the one the operator will fail.
	r, _ := e.svc.Reseller(ctx, e.cr.Reseller.Username)
	for i := 0; i < 4; i++ {
		p, err := e.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: r, VariantCode: "MLBB_ID_5", Reference: fmt.Sprintf("today-%d", i), Destination: fmt.Sprintf("08771234%02d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if i < 3 {
			if _, err := e.svc.ResolveOrder(ctx, core.Resolution{Invoice: p.Order.Invoice, Status: order.Success, SN: fmt.Sprintf("7710%016d", i), Actor: "seed"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	stuck := e.place(t, "stuck-1", "081299887766")
	// Two deposit tickets, as resellers open them through the digiswitch deposit endpoint.
	ticket, err := e.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 150000, Bank: "BCA", OwnerName: "Test Shop"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.OpenTicket(ctx, core.DepositParams{Reseller: gamer.Reseller, Amount: 500000, Bank: "MANDIRI", OwnerName: "Gamer Store"}); err != nil {
		t.Fatal(err)
	}
	balBefore, _ := e.svc.Balance(ctx, e.cr.Reseller.ID)

	base := e.srv.URL
	shot, run, textOf := br.Shot, br.Run, br.Text
	var text string

	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	run("login",
		chromedp.Navigate(base+"/admin/"),
		chromedp.WaitVisible(css(`input[name=username]`)),
		shot("login"),
		chromedp.SendKeys(css(`input[name=username]`), "boss"),
		chromedp.SendKeys(css(`input[name=password]`), e.password),
		chromedp.Submit(css(`input[name=password]`)),
		chromedp.WaitVisible(css(`svg.chart`)),
	)
	if text = textOf(`#today-sales`); text != "Rp 4.167" {
		t.Fatalf("today's sales %q, want Rp 4.167", text)
	}
	run("overview", shot("overview"))
	// The live order list polls with htmx: an order placed now shows up without a reload.
	fresh := e.place(t, "live-1", "081377778888")
	run("live orders", chromedp.WaitVisible(css(`#order-rows a[href="/admin/orders/`+fresh.Invoice+`"]`)))
	e.resolve(t, fresh.Invoice)

	run("approve deposit",
		chromedp.Navigate(base+"/admin/deposits"),
		chromedp.WaitVisible(css(`#approve-`+ticket.Code)),
		shot("deposits"),
		chromedp.Click(css(`#approve-`+ticket.Code)),
		chromedp.WaitVisible(css(`.flash.ok`)),
	)
	if text = textOf(`.flash.ok`); !strings.Contains(text, "Ticket "+ticket.Code+" approved") {
		t.Fatalf("after approve: %q", text)
	}

	link := css(`a[href="/admin/orders/` + stuck.Invoice + `"]`)
	run("find order",
		chromedp.Navigate(base+"/admin/orders"),
		chromedp.WaitVisible(css(`input[name=q]`)),
		shot("orders"),
		chromedp.SendKeys(css(`input[name=q]`), "081299887766"),
		chromedp.Submit(css(`input[name=q]`)),
		chromedp.WaitVisible(link),
		// Clicked by script, found and clicked in one call: the live order list redraws its rows,
		// and a node chromedp found could be replaced before its click ("Could not find node").
		chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[bool](`(() => { document.querySelector('a[href="/admin/orders/`+stuck.Invoice+`"]').click(); return true })()`)(ctx, tg)
			return chromedp.Void{}, err
		}),
		chromedp.WaitVisible(css(`#resolve-failed`)),
		shot("order"),
		chromedp.SendKeys(css(`#resolve-failed input[name=message]`), "Supplier confirmed failure by phone"),
		chromedp.Click(css(`#resolve-failed button`)),
		chromedp.WaitVisible(css(`.flash.ok`)),
	)
	if text = textOf(`h1 .badge`); text != "Failed" {
		t.Fatalf("order status after marking failed: %q", text)
	}

	run("balance",
		chromedp.Navigate(base+"/admin/resellers/testshop"),
		chromedp.WaitVisible(css(`#reseller-balance`)),
		shot("reseller"),
	)
	// The ticket added its amount and the failed order's price came back; the live order was paid.
	want := balBefore + ticket.Amount + stuck.Price - fresh.Price
	if got, _ := e.svc.Balance(ctx, e.cr.Reseller.ID); got != want {
		t.Fatalf("balance %d, want %d", got, want)
	}
	if text = textOf(`#reseller-balance`); text != rupiahText(want) {
		t.Fatalf("balance shown %q, want %q", text, rupiahText(want))
	}

	run("audit",
		chromedp.Navigate(base+"/admin/audit"),
		chromedp.WaitVisible(css(`table.audit`)),
		shot("audit"),
	)
	text = textOf(`table.audit`)
	for _, w := range []string{"order.resolve", stuck.Invoice, "deposit.ticket-approve", "ticket:" + ticket.Code, `"reseller": "testshop"`, `"status": "Failed"`, "boss"} {
		if !strings.Contains(text, w) {
			t.Errorf("audit page lacks %q", w)
		}
	}
	rep, err := e.svc.LedgerCheck(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("ledger check: %v %v", err, rep.Discrepancies)
	}
	if o, _ := e.db.OrderByInvoice(ctx, 0, stuck.Invoice); o.Status != order.Failed {
		t.Fatalf("stuck order is %s", o.Status)
	}
	if ps, _ := e.db.PostingsByTxnPrefix(ctx, "order:"+stuck.Invoice+":"); len(ps) != 2 || ps[1].DestCode != ledger.AvailableCode(e.cr.Reseller.ID) {
		t.Fatalf("postings of the failed order %+v", ps)
	}

	if br.Shooting() {
		for _, p := range []struct{ path, wait, name string }{
			{"/admin/resellers", "table.list", "resellers"},
			{"/admin/catalog", "table.catalog", "catalog"},
			{"/admin/suppliers", "table.list", "suppliers"},
			{"/admin/ledger?account=" + ledger.AvailableCode(e.cr.Reseller.ID) + "&check=1", "#ledger-ok", "ledger"},
			{"/admin/admins", "table.list", "admins"},
		} {
			run(p.name, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)), shot(p.name))
		}
	}
}

// resolve settles an order as delivered, outside the browser.
func (e *env) resolve(t *testing.T, invoice string) {
	t.Helper()
	if _, err := e.svc.ResolveOrder(context.Background(), core.Resolution{Invoice: invoice, Status: order.Success, SN: "LIVE-SN", Actor: "seed"}); err != nil {
		t.Fatal(err)
	}
}

func rupiahText(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return "Rp " + b.String()
}
