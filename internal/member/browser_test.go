package member_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kios-h2h/kios/internal/browsertest"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/member"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestBrowserOnAPhone drives the member area in headless Chromium on a 360 px phone: sign in,
// read the balance, switch to English and back, rotate the api key on Atur Koneksi API (the old
// one stops working), read the statement, find an order by its destination and open its
// timeline, and open a deposit ticket at the distributor's bank. No page may be wider than the
// phone. With KIOS_SCREENSHOTS set to a directory it saves the pages there:
//
//	KIOS_SCREENSHOTS=$PWD/docs/screenshots go test -run TestBrowserOnAPhone ./internal/member
func TestBrowserOnAPhone(t *testing.T) {
	br := browsertest.Start(t, browsertest.Phone)
	ctx := context.Background()
	e := setup(t, storetest.Backends()[0], member.Options{Banks: member.Banks{
		{Bank: "BCA", AccountNo: "8730123456", Holder: "PT Kios Digital Nusantara"},
		{Bank: "MANDIRI", AccountNo: "1370098765432", Holder: "PT Kios Digital Nusantara"}}})
	e.credit(t, "shop", 1250000)
	var delivered *order.Order
	for i, dest := range []string{"081234567890", "085711112222", "089912345678(2001)"} {
		o := e.place(t, "shop", "web-"+string(rune('a'+i)), dest)
		if i == 0 {
			delivered = o
		}
		res := core.Resolution{Invoice: o.Invoice, Status: order.Success, SN: "4471-0099-" + string(rune('A'+i)), Actor: "t"}
		if i == 1 {
			res = core.Resolution{Invoice: o.Invoice, Status: order.Failed, Actor: "t"}
		}
		if _, err := e.svc.ResolveOrder(ctx, res); err != nil {
			t.Fatal(err)
		}
	}
	e.place(t, "shop", "web-pending", "081377778888")
	balance, err := e.svc.Balance(ctx, e.shop.Reseller.ID)
	if err != nil {
		t.Fatal(err)
	}

	base := e.srv.URL
	css := browsertest.CSS
	// fits fails the test if the page scrolls sideways on the phone.
	fits := func(page string) {
		t.Helper()
		if w := browsertest.Eval[int](br, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
			t.Errorf("%s is %d px wider than the phone", page, w)
		}
	}

	br.Run("login",
		chromedp.Navigate(base+"/member/"),
		chromedp.WaitVisible(css(`input[name=username]`)),
		br.Shot("member-login"),
		chromedp.SendKeys(css(`input[name=username]`), "shop"),
		chromedp.SendKeys(css(`input[name=password]`), "not the password"),
		chromedp.Submit(css(`input[name=password]`)),
		chromedp.WaitVisible(css(`.flash.err`)),
	)
	if got := br.Text(`.flash.err`); got != "Username atau password salah." {
		t.Errorf("a wrong password reads %q", got)
	}
	fits("login")
	br.Run("login again",
		chromedp.Navigate(base+"/member/login"),
		chromedp.WaitVisible(css(`input[name=username]`)),
		chromedp.SendKeys(css(`input[name=username]`), "shop"),
		chromedp.SendKeys(css(`input[name=password]`), e.pw),
		chromedp.Submit(css(`input[name=password]`)),
		chromedp.WaitVisible(css(`#balance`)),
		br.Shot("member-home"),
	)
	if got, want := br.Text(`#balance`), ledger.FormatRupiah(balance); got != want {
		t.Errorf("balance shows %q, want %q", got, want)
	}
	if got := br.Text(`#held`); got != "Rp 1.500" {
		t.Errorf("held shows %q", got)
	}
	if got := br.Text(`nav.tabs a.on`); got != "Beranda" {
		t.Errorf("the first page is not Indonesian: %q", got)
	}
	fits("home")

	// English by a switch, which persists from page to page, then back.
	br.Run("english",
		chromedp.Click(css(`a.lang`)),
		chromedp.WaitVisible(css(`#balance`)),
		chromedp.Navigate(base+"/member/mutasi"),
		chromedp.WaitVisible(css(`ul.mutations`)),
	)
	if got := br.Text(`nav.tabs a.on`); got != "Statement" {
		t.Errorf("after the switch, the statement tab reads %q", got)
	}
	br.Run("indonesian", chromedp.Click(css(`a.lang`)), chromedp.WaitVisible(css(`ul.mutations`)), br.Shot("member-mutations"))
	if got := br.Text(`nav.tabs a.on`); got != "Mutasi" {
		t.Errorf("after switching back, the tab reads %q", got)
	}
	if got := br.Text(`ul.mutations`); !strings.Contains(got, delivered.Invoice) || !strings.Contains(got, "Rp 1.250.000") {
		t.Errorf("the statement lacks the order or the deposit: %q", got)
	}
	fits("statement")

	// Atur Koneksi API: a new api key, with the password asked again.
	br.Run("api page",
		chromedp.Navigate(base+"/member/koneksi"),
		chromedp.WaitVisible(css(`#api-username`)),
		br.Shot("member-api"),
	)
	fits("api connection")
	br.Run("rotate key",
		chromedp.SendKeys(css(`#key-password`), e.pw),
		chromedp.Click(css(`#rotate-key`)),
		chromedp.WaitVisible(css(`td.secret`)),
		br.Shot("member-api-key"),
	)
	newKey := br.Text(`td.secret`)
	if len(newKey) != 32 || newKey == e.shop.APIKey {
		t.Fatalf("new api key %q", newKey)
	}
	if _, d, f := e.balanceWorks(t, e.shop.Token, e.shop.APIKey); d || f {
		t.Errorf("the old api key still signs: digiswitch %v digiflazz %v", d, f)
	}
	if _, d, f := e.balanceWorks(t, e.shop.Token, newKey); !d || !f {
		t.Errorf("the new api key is refused: digiswitch %v digiflazz %v", d, f)
	}

	// Transaksi: find an order by its destination (htmx swaps the list), open its timeline.
	link := css(`#order-rows a[href="/member/transaksi/` + delivered.Invoice + `"]`)
	br.Run("orders",
		chromedp.Navigate(base+"/member/transaksi"),
		chromedp.WaitVisible(css(`input[name=q]`)),
		br.Shot("member-orders"),
		chromedp.SendKeys(css(`input[name=q]`), "081234567890"),
		chromedp.Click(css(`#search-button`)),
		// htmx swaps the list in place: wait until it holds the one order found.
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('#order-rows li a').length === 1`),
		chromedp.WaitVisible(link),
	)
	if got := br.Text(`#order-rows`); !strings.Contains(got, "081234567890") || !strings.Contains(got, "Rp 1.500") {
		t.Errorf("the order found reads %q", got)
	}
	fits("orders")
	br.Run("order", chromedp.Click(link), chromedp.WaitVisible(css(`ol.timeline`)), br.Shot("member-order"))
	if got := br.Text(`ol.timeline`); !strings.Contains(got, "Diterima") || !strings.Contains(got, "Sukses") || !strings.Contains(got, "WIB") {
		t.Errorf("timeline %q", got)
	}
	fits("order")

	// Deposit: the distributor's accounts, then a ticket with its unique amount.
	br.Run("deposit page",
		chromedp.Navigate(base+"/member/deposit"),
		chromedp.WaitVisible(css(`#bank-accounts`)),
	)
	if got := br.Text(`#bank-accounts`); !strings.Contains(got, "8730123456") || !strings.Contains(got, "1370098765432") {
		t.Errorf("bank accounts %q", got)
	}
	br.Run("open ticket",
		chromedp.SendKeys(css(`input[name=amount]`), "100.000"),
		chromedp.SetValue(css(`select[name=bank]`), "MANDIRI"),
		chromedp.Click(css(`#deposit-button`)),
		chromedp.WaitVisible(css(`#pay-amount`)),
		br.Shot("member-deposit"),
	)
	ts, err := e.svc.Tickets(ctx, store.TicketFilter{ResellerID: e.shop.Reseller.ID})
	if err != nil || len(ts) != 1 || ts[0].Status != deposit.Open || ts[0].Bank != "MANDIRI" || ts[0].Requested != 100000 {
		t.Fatalf("tickets %+v %v", ts, err)
	}
	if got := br.Text(`#pay-amount`); got != ledger.FormatRupiah(ts[0].Amount) {
		t.Errorf("pay amount shows %q, want %s", got, ledger.FormatRupiah(ts[0].Amount))
	}
	if got := br.Text(`#ticket-` + ts[0].Code); !strings.Contains(got, "1370098765432") || !strings.Contains(got, "WIB") {
		t.Errorf("ticket card %q", got)
	}
	fits("deposit")

	for _, p := range []struct{ path, wait, name string }{
		{"/member/harga", "ul.orders", "member-prices"},
		{"/member/profil", "form[action='/member/profil/password']", "member-profile"},
	} {
		br.Run(p.name, chromedp.Navigate(base+p.path), chromedp.WaitVisible(css(p.wait)), br.Shot(p.name))
		fits(p.name)
	}
	if got, _ := e.svc.Balance(ctx, e.shop.Reseller.ID); got != balance {
		t.Errorf("browsing moved money: balance %d, was %d", got, balance)
	}
	rep, err := e.svc.LedgerCheck(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("ledger check: %v %+v", err, rep)
	}
}
