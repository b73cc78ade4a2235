package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/web"
)

// The suppliers page's test box runs a sample reply through an otomax supplier's patterns
// (CSRF-checked form POST, nothing changed); the admin API does the same, and adds and changes
// an otomax supplier with its patterns.
func TestReplyTestBox(t *testing.T) {
	e := setup(t, web.Options{})
	ctx := context.Background()
	var added struct {
		Supplier      web.SupplierStatus `json:"supplier"`
		ReportURLPath string             `json:"report_url_path"`
	}
	e.api("POST", "/admin/api/suppliers", map[string]any{"name": "pusat", "kind": "otomax", "base_url": "http://127.0.0.1:9/api",
		"member_id": "M01", "pin": "1234", "password": "sekret-pw"}, 201, &added)
	if added.Supplier.Kind != "otomax" || added.Supplier.CustomPatterns || added.Supplier.ReplyPatterns == nil ||
		!strings.HasPrefix(added.ReportURLPath, "/callback/pusat?key=") {
		t.Fatalf("added: %+v", added)
	}
	sup, err := e.svc.SupplierByName(ctx, "pusat")
	if err != nil || sup.Username != "M01" || sup.Token != "1234" || sup.APIKey != "sekret-pw" || strings.Contains(added.ReportURLPath, "sekret-pw") {
		t.Fatalf("stored %+v %v", sup, err)
	}
	e.api("POST", "/admin/api/suppliers", map[string]any{"name": "bad", "kind": "otomax", "base_url": "http://127.0.0.1:9",
		"member_id": "M", "pin": "1", "password": "p", "reply_patterns": map[string]any{"sn": []string{"SN: \\d+"}}}, 400, nil)

	b := e.login(t)
	st, page := b.do(t, "GET", "/admin/suppliers", "", nil)
	if st != 200 || !strings.Contains(string(page), `action="/admin/suppliers/pusat/reply-test"`) {
		t.Fatalf("page %d: no test box", st)
	}
	form := url.Values{"reply": {"R#7 S5.0812 BERHASIL. SN: 0041. Harga: 5.100. Saldo: 94.900"}}
	if st, _ := b.do(t, "POST", "/admin/suppliers/pusat/reply-test", "", form); st != 403 {
		t.Fatalf("without CSRF: %d", st)
	}
	st, page = b.do(t, "POST", "/admin/suppliers/pusat/reply-test", b.csrf, form)
	if st != 200 {
		t.Fatalf("test box: %d %s", st, page)
	}
	for _, want := range []string{">success<", "0041", "5.100", "94.900", ">7<"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("test box result lacks %q", want)
		}
	}

	// The operator's own patterns, over PATCH, then back to the defaults.
	e.api("PATCH", "/admin/api/suppliers/pusat", map[string]any{"reply_patterns": map[string]any{"success": []string{"^OK#"}, "sn": []string{"^OK#([^#]+)"}}}, 200, nil)
	var res web.ReplyTest
	e.api("POST", "/admin/api/suppliers/pusat/reply-test", map[string]string{"reply": "OK#SN-9#5100"}, 200, &res)
	if res.Status != "success" || res.SN != "SN-9" {
		t.Fatalf("own patterns: %+v", res)
	}
	e.api("POST", "/admin/api/suppliers/pusat/reply-test", map[string]string{"reply": "R#7 S5.0812 BERHASIL"}, 200, &res)
	if res.Status != "unknown" {
		t.Fatalf("default words under own patterns: %+v", res)
	}
	e.api("PATCH", "/admin/api/suppliers/pusat", map[string]any{"reply_patterns": map[string]any{"failed": []string{"("}}}, 400, nil)
	e.api("PATCH", "/admin/api/suppliers/pusat", map[string]any{}, 400, nil) // nothing to set
	e.api("PATCH", "/admin/api/suppliers/pusat", map[string]any{"reply_patterns": map[string]any{}}, 200, nil)
	if sup, _ := e.svc.SupplierByName(ctx, "pusat"); sup.ReplyPatterns != "" {
		t.Fatalf("patterns after reset: %q", sup.ReplyPatterns)
	}
	if _, err := e.svc.AddSupplier(ctx, core.NewSupplier{Name: "ds", Kind: store.KindDigiswitch, BaseURL: "http://127.0.0.1:9", Username: "u", APIKey: "k"}); err != nil {
		t.Fatal(err)
	}
	e.api("POST", "/admin/api/suppliers/ds/reply-test", map[string]string{"reply": "x"}, 400, nil)
	for _, a := range e.audit(t, "supplier:pusat") {
		if strings.Contains(string(a.After), "sekret") {
			t.Fatalf("secret in the audit log: %+v", a)
		}
	}
}

// POST /admin/api/resellers/{username}/otomax is `kios reseller otomax`.
func TestResellerOtomaxEndpoint(t *testing.T) {
	e := setup(t, web.Options{})
	var got struct {
		PIN string `json:"pin"`
	}
	var made map[string]any
	e.api("POST", "/admin/api/resellers/testshop/otomax", map[string]any{}, 200, &made)
	if pin, _ := made["pin"].(string); len(pin) != 6 || made["member_id"] != "testshop" {
		t.Fatalf("made: %v", made)
	}
	e.api("POST", "/admin/api/resellers/testshop/otomax", map[string]any{"pin": "13579", "plain": true}, 200, &got)
	if got.PIN != "" {
		t.Fatalf("a given PIN answered back: %+v", got)
	}
	e.api("POST", "/admin/api/resellers/testshop/otomax", map[string]any{"pin": "12x"}, 400, nil)
	e.api("POST", "/admin/api/resellers/nobody/otomax", map[string]any{"pin": "1234"}, 404, nil)
	e.api("POST", "/admin/api/resellers/testshop/otomax", map[string]any{"off": true}, 200, nil)
	for _, a := range e.audit(t, "reseller:testshop") {
		if strings.Contains(string(a.After), "13579") {
			t.Fatalf("PIN in the audit log: %+v", a)
		}
	}
}
