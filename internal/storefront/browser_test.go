package storefront_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kios-h2h/kios/internal/browsertest"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/storefront"
)

// TestBrowserPurchaseOnAPhone buys in headless Chromium on a 360 px phone: the home page, the
// Mobile Legends page (User ID and Zone ID, the nickname check, a denomination, QRIS, a WhatsApp
// number), the invoice with its QR code and countdown, the sandbox's pay page, back to the
// invoice, which turns Success with the SN by itself; then /cek finds it, and the English switch.
// No page may be wider than the phone. With KIOS_SCREENSHOTS set to a directory it saves the
// pages there:
//
//	KIOS_SCREENSHOTS=$PWD/docs/screenshots go test -run TestBrowserPurchaseOnAPhone ./internal/storefront
func TestBrowserPurchaseOnAPhone(t *testing.T) {
	br := browsertest.Start(t, browsertest.Phone)
	e := setup(t, storetest.Backends()[0], storefront.Options{Name: "Toko Kios"})
	css := browsertest.CSS
	fits := func(page string) {
		t.Helper()
		if w := browsertest.Eval[int](br, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
			t.Errorf("%s is %d px wider than the phone", page, w)
		}
	}
	br.Run("home",
		chromedp.Navigate(e.URL+"/"),
		chromedp.WaitVisible(css(`#products`)),
		br.Shot("store-home"),
	)
	fits("home")
	if got := br.Text(`a.product[href="/p/mobile-legends"] .from`); got != "Mulai Rp 1.900" {
		t.Errorf("the home page shows %q for Mobile Legends", got)
	}
	br.Run("product",
		chromedp.Click(css(`a.product[href="/p/mobile-legends"]`)),
		chromedp.WaitVisible(css(`#f_user_id`)),
		chromedp.SendKeys(css(`#f_user_id`), "12345678"),
		chromedp.SendKeys(css(`#f_zone_id`), "1234"),
		chromedp.Click(css(`#check`)),
		chromedp.WaitVisible(css(`#nickname.ok`)),
		chromedp.Click(css(`input[name=variant][value=ML12]`)),
		chromedp.SendKeys(css(`#phone`), "0812 3456 7890"),
	)
	if got := br.Text(`#total`); got != "Rp 4.000" {
		t.Errorf("the total reads %q", got)
	}
	br.Run("product shot", br.Shot("store-product"))
	fits("product")
	br.Run("checkout",
		chromedp.Click(css(`#buy-button`)),
		chromedp.WaitVisible(css(`#qr`)),
		chromedp.WaitVisible(css(`#countdown`)),
		chromedp.Sleep(1200*time.Millisecond), // the countdown's first ticks
		br.Shot("store-invoice"),
	)
	fits("invoice")
	if got := br.Text(`#status`); got != "Menunggu pembayaran" {
		t.Errorf("an unpaid invoice reads %q", got)
	}
	if got := br.Text(`#countdown`); !strings.HasPrefix(got, "0:59:") && !strings.HasPrefix(got, "1:00:") {
		t.Errorf("the countdown reads %q", got)
	}
	if ok := browsertest.Eval[bool](br, `document.getElementById("qr").naturalWidth > 0`); !ok {
		t.Error("the QR code did not load")
	}
	invoice := browsertest.Eval[string](br, `document.getElementById("invoice").dataset.invoice`)
	br.Run("pay at the sandbox",
		chromedp.Click(css(`#pay-link`)),
		chromedp.WaitVisible(css(`#back`)),
		chromedp.Click(css(`#back`)),
		// The invoice page polls and reloads by itself once the order is delivered.
		chromedp.WaitVisible(css(`#sn`)),
		br.Shot("store-invoice-paid"),
	)
	if got := br.Text(`#status`); got != "Sukses" {
		t.Errorf("a delivered invoice reads %q", got)
	}
	br.Run("cek",
		chromedp.Navigate(e.URL+"/cek"),
		chromedp.WaitVisible(css(`#invoice-code`)),
		chromedp.SendKeys(css(`#invoice-code`), invoice),
		br.Shot("store-cek"),
		chromedp.Submit(css(`#invoice-code`)),
		chromedp.WaitVisible(css(`#sn`)),
	)
	br.Run("english",
		chromedp.Click(css(`#lang`)),
		chromedp.WaitVisible(css(`#sn`)),
	)
	if got := br.Text(`#status`); got != "Delivered" {
		t.Errorf("in English the status reads %q", got)
	}
	e.ledgerClean(t)
}
