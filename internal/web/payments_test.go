package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/web"
)

// TestPaymentEndpoints: a gateway registered through the admin API never shows its secrets
// again (answer, list, audit log); a disabled gateway opens no payment (409); deposit-payments
// answers the payer's instructions; once the sandbox pays, the payments list shows it paid and
// the callbacks list the raw callback, verified; the Payments page shows all three and its
// disable button needs the session's CSRF token. Both backends; the ledger check is clean.
func TestPaymentEndpoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setupOn(t, be, web.Options{})
		const secret = "sekret-private-key-123"
		var added struct {
			Gateway core.GatewayView `json:"gateway"`
		}
		e.api("POST", "/admin/api/gateways", map[string]any{"name": "demo", "kind": "sandbox", "private_key": secret,
			"base_url": "https://kios.example",
			"methods":  []string{"QRIS", "BRIVA"}, "fee_policy": "reseller"}, http.StatusCreated, &added)
		if added.Gateway.Name != "demo" || !added.Gateway.Enabled || strings.Join(added.Gateway.Secrets, ",") != "private_key" ||
			added.Gateway.FeePolicy != "reseller" {
			t.Fatalf("added: %+v", added.Gateway)
		}
		if st, body := e.call("POST", "/admin/api/gateways", e.token, map[string]any{"name": "demo", "kind": "sandbox"}); st != http.StatusConflict {
			t.Errorf("same name again: %d %s", st, body)
		}
		if st, body := e.call("POST", "/admin/api/gateways", e.token, map[string]any{"name": "x", "kind": "sandbox", "fee_policy": "nobody"}); st != http.StatusBadRequest {
			t.Errorf("bad fee policy: %d %s", st, body)
		}
		_, list := e.call("GET", "/admin/api/gateways", e.token, nil)
		if strings.Contains(string(list), secret) || !strings.Contains(string(list), `"name":"demo"`) {
			t.Fatalf("gateway list: %s", list)
		}
		for _, a := range e.audit(t, "gateway:demo") {
			if strings.Contains(string(a.After), secret) {
				t.Fatalf("secret in the audit log: %+v", a)
			}
		}

		e.api("POST", "/admin/api/gateways/demo/disable", nil, 200, nil)
		if st, body := e.call("POST", "/admin/api/deposit-payments", e.token, map[string]any{"reseller": "testshop", "amount": 50000, "gateway": "demo"}); st != http.StatusConflict {
			t.Errorf("pay at a disabled gateway: %d %s", st, body)
		}
		if st, _ := e.call("POST", "/admin/api/gateways/nope/enable", e.token, nil); st != http.StatusNotFound {
			t.Errorf("enable an unknown gateway: %d", st)
		}
		e.api("POST", "/admin/api/gateways/demo/enable", nil, 200, nil)
		var p core.PayView
		e.api("POST", "/admin/api/deposit-payments", map[string]any{"reseller": "testshop", "amount": 50000, "gateway": "demo", "method": "QRIS"},
			http.StatusCreated, &p)
		if p.Ticket == "" || p.Reference == "" || p.ExpiresAt == "" || p.QRString == "" || p.Amount <= 50000 ||
			p.CheckoutURL != "https://kios.example/sandbox/pay/"+p.Reference {
			t.Fatalf("deposit payment: %+v", p)
		}
		if _, _, err := e.svc.SandboxPay(context.Background(), p.Reference); err != nil {
			t.Fatal(err)
		}
		var pays struct {
			Payments []core.PaymentView `json:"payments"`
		}
		e.api("GET", "/admin/api/payments?gateway=demo&reseller=testshop", nil, 200, &pays)
		if len(pays.Payments) != 1 || pays.Payments[0].Status != "paid" || pays.Payments[0].PaidAmount != p.Amount {
			t.Fatalf("payments: %+v", pays.Payments)
		}
		var cbs struct {
			Callbacks []core.CallbackView `json:"callbacks"`
		}
		e.api("GET", "/admin/api/payment-callbacks?gateway=demo", nil, 200, &cbs)
		if len(cbs.Callbacks) != 1 || !cbs.Callbacks[0].Verified || !strings.Contains(cbs.Callbacks[0].Body, p.Reference) ||
			!strings.Contains(cbs.Callbacks[0].Result, "credited") {
			t.Fatalf("callbacks: %+v", cbs.Callbacks)
		}

		b := e.login(t)
		st, page := b.do(t, "GET", "/admin/payments", "", nil)
		for _, want := range []string{"demo", p.Reference, "verified", "Disable"} {
			if st != 200 || !strings.Contains(string(page), want) {
				t.Fatalf("payments page (%d) lacks %q", st, want)
			}
		}
		if strings.Contains(string(page), secret) {
			t.Fatal("the payments page shows a secret")
		}
		if st, _ := b.do(t, "POST", "/admin/payments/gateways/demo/disable", "", url.Values{}); st != http.StatusForbidden {
			t.Errorf("disable without CSRF: %d", st)
		}
		if st, loc := b.do(t, "POST", "/admin/payments/gateways/demo/disable", "", url.Values{"csrf": {b.csrf}}); st != http.StatusSeeOther ||
			!strings.Contains(string(loc), "ok=") {
			t.Errorf("disable with CSRF: %d %s", st, loc)
		}
		if st, loc := b.do(t, "POST", "/admin/payments/gateways/nope/enable", "", url.Values{"csrf": {b.csrf}}); st != http.StatusSeeOther ||
			!strings.Contains(string(loc), "err=") {
			t.Errorf("enable unknown: %d %s", st, loc)
		}
		form := url.Values{"name": {"tp"}, "kind": {"tripay"}, "base_url": {"http://127.0.0.1:9"}, "merchant_code": {"T1"},
			"api_key": {"sekret-api"}, "private_key": {"sekret-pk"}, "methods": {"QRIS,BRIVA"}, "fee_policy": {"reseller"}}
		if st, _ := b.do(t, "POST", "/admin/payments/gateways", "", form); st != http.StatusForbidden {
			t.Errorf("add without CSRF: %d", st)
		}
		form.Set("csrf", b.csrf)
		if st, loc := b.do(t, "POST", "/admin/payments/gateways", "", form); st != http.StatusSeeOther || !strings.Contains(string(loc), "ok=") {
			t.Fatalf("add by the form: %d %s", st, loc)
		}
		if st, loc := b.do(t, "POST", "/admin/payments/gateways", "", form); st != http.StatusSeeOther || !strings.Contains(string(loc), "err=") {
			t.Errorf("the same name again: %d %s", st, loc)
		}
		var after struct {
			Gateways []core.GatewayView `json:"gateways"`
		}
		_, raw := e.call("GET", "/admin/api/gateways", e.token, nil)
		if strings.Contains(string(raw), "sekret") {
			t.Fatalf("secrets listed: %s", raw)
		}
		e.api("GET", "/admin/api/gateways", nil, 200, &after)
		if len(after.Gateways) != 2 || after.Gateways[1].Name != "tp" || after.Gateways[1].FeePolicy != "reseller" ||
			strings.Join(after.Gateways[1].Secrets, ",") != "api_key,private_key" {
			t.Errorf("gateways after the form: %+v", after.Gateways)
		}
		for _, a := range e.audit(t, "gateway:tp") {
			if strings.Contains(string(a.After), "sekret") {
				t.Fatalf("secret in the audit log: %+v", a)
			}
		}
		e.checkLedger(t)
	})
}
