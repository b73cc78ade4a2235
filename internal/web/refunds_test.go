package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/web"
)

// TestRefundsOwedPage: a store payment owed back (its variant was switched off before it was
// paid) is listed on the dashboard's Refunds owed page with the buyer's contact; recording the
// refund needs the CSRF token and a note, clears the refund owed in the ledger, and a second
// recording is refused without a server error.
func TestRefundsOwedPage(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{})
	ctx := context.Background()
	if _, err := e.svc.AddGateway(ctx, core.NewGateway{Name: "sandbox", Kind: payment.Sandbox, Methods: []string{"QRIS"}}); err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.ShopCheckout(ctx, core.ShopCheckoutParams{VariantCode: "MLBB_ID_5", Destination: "77778888", Method: "QRIS",
		Phone: "081233334444", Email: "budi@example.com", IP: "203.0.113.5"})
	if err != nil {
		t.Fatal(err)
	}
	e.api("PATCH", "/admin/api/catalog/variants/MLBB_ID_5", map[string]any{"active": false}, 200, nil)
	if _, _, err := e.svc.SandboxPay(ctx, res.Payment.Reference); err != nil {
		t.Fatal(err)
	}
	code := res.Invoice.Code
	if inv, err := e.svc.ShopInvoice(ctx, code); err != nil || inv.Status != store.ShopFailed {
		t.Fatalf("invoice %+v %v", inv, err)
	}

	b := e.login(t)
	st, page := b.do(t, "GET", "/admin/shop/refunds", "", nil)
	for _, want := range []string{code, "081233334444", "https://wa.me/6281233334444", "budi@example.com", "Rp 1.389", `action="/admin/shop/refunds/` + code + `"`, `name="csrf"`} {
		if st != 200 || !strings.Contains(string(page), want) {
			t.Fatalf("refunds page %d lacks %q:\n%s", st, want, page)
		}
	}
	if st, _ := b.do(t, "POST", "/admin/shop/refunds/"+code, "", url.Values{"note": {"BCA 0123"}}); st != 403 {
		t.Fatalf("post without csrf: %d", st)
	}
	if st, loc := b.do(t, "POST", "/admin/shop/refunds/"+code, "", url.Values{"csrf": {b.csrf}, "note": {" "}}); st != 303 || !strings.Contains(string(loc), "err=") {
		t.Fatalf("post without a note: %d %s", st, loc)
	}
	if owed, _ := e.db.Balance(ctx, ledger.RefundsOwedCode); owed != 1389 {
		t.Fatalf("refused posts changed the refunds owed: %d", owed)
	}
	if st, loc := b.do(t, "POST", "/admin/shop/refunds/"+code, "", url.Values{"csrf": {b.csrf}, "note": {"BCA 0123"}}); st != 303 || !strings.Contains(string(loc), "ok=") {
		t.Fatalf("refund: %d %s", st, loc)
	}
	if owed, _ := e.db.Balance(ctx, ledger.RefundsOwedCode); owed != 0 {
		t.Fatalf("refunds owed after the refund: %d", owed)
	}
	if st, loc := b.do(t, "POST", "/admin/shop/refunds/"+code, "", url.Values{"csrf": {b.csrf}, "note": {"again"}}); st != 303 || !strings.Contains(string(loc), "err=") {
		t.Fatalf("second refund: %d %s", st, loc)
	}
	_, page = b.do(t, "GET", "/admin/shop/refunds", "", nil)
	if !strings.Contains(string(page), "No refunds owed.") || !strings.Contains(string(page), "BCA 0123") {
		t.Fatalf("after the refund:\n%s", page)
	}
	if a := e.audit(t, "invoice:"+code); len(a) == 0 || a[0].Action != "shop.refund" {
		t.Fatalf("audit %+v", a)
	}
	e.checkLedger(t)
}
