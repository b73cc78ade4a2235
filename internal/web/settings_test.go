package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/web"
)

// TestSettingsEndpoints: the seller name and the bank accounts through the admin API and the
// dashboard's Settings page, each change audited, bad values refused.
func TestSettingsEndpoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := setupOn(t, b, web.Options{})
		var ss struct {
			Settings []struct {
				Name, Value, Default string
				Set                  bool
			} `json:"settings"`
		}
		e.api("GET", "/admin/api/settings", nil, 200, &ss)
		// Every setting there is, by name, at its default (the downline tree's three included).
		want := [][2]string{{"commission", "available"}, {"downline_depth", "5"}, {"max_markup", "0"},
			{"routing_policy", "cheapest"}, {"seller_name", "KIOS"}}
		if len(ss.Settings) != len(want) {
			t.Fatalf("settings %+v", ss)
		}
		for i, w := range want {
			if s := ss.Settings[i]; s.Name != w[0] || s.Value != w[1] || s.Default != w[1] || s.Set {
				t.Fatalf("settings %+v, want %v at %d", ss, w, i)
			}
		}
		var one struct {
			Setting struct{ Name, Value string } `json:"setting"`
		}
		e.api("POST", "/admin/api/settings", map[string]any{"name": "seller_name", "value": " Toko Budi "}, 200, &one)
		if one.Setting.Value != "Toko Budi" {
			t.Errorf("set: %+v", one)
		}
		for _, bad := range []map[string]any{{"name": "colour", "value": "red"}, {"name": "seller_name", "value": "a\u202eb"}} {
			if st, body := e.call("POST", "/admin/api/settings", e.token, bad); st != 400 {
				t.Errorf("setting %v: %d %s", bad, st, body)
			}
		}

		var added struct {
			Bank struct {
				Bank          string `json:"bank"`
				PaymentMethod string `json:"payment_method"`
			} `json:"bank"`
		}
		e.api("POST", "/admin/api/banks", map[string]any{"bank": "bca", "account_no": "8730123456", "holder": "PT Kios"}, 201, &added)
		if added.Bank.Bank != "BCA" || added.Bank.PaymentMethod != "Transfer Bank" {
			t.Errorf("added %+v", added)
		}
		if st, body := e.call("POST", "/admin/api/banks", e.token, map[string]any{"bank": "BNI", "holder": "PT Kios"}); st != 400 || !strings.Contains(string(body), "account_no") {
			t.Errorf("bank without account_no: %d %s", st, body)
		}
		st, body := e.call("GET", "/admin/api/banks", e.token, nil)
		if st != 200 || !strings.Contains(string(body), `"bank":"BCA","account_no":"8730123456","holder":"PT Kios"`) {
			t.Errorf("banks: %d %s", st, body)
		}
		e.api("DELETE", "/admin/api/banks/bca", nil, 204, nil)
		if st, _ := e.call("DELETE", "/admin/api/banks/BCA", e.token, nil); st != 404 {
			t.Errorf("remove twice: %d", st)
		}

		// The dashboard's page shows and changes the same.
		br := e.login(t)
		if st, loc := br.do(t, "POST", "/admin/banks", "", url.Values{"csrf": {br.csrf}, "bank": {"Mandiri"}, "account_no": {"1370098765432"},
			"holder": {"PT Kios"}}); st != 303 || !strings.HasPrefix(string(loc), "/admin/settings") {
			t.Fatalf("bank form: %d %s", st, loc)
		}
		if st, _ := br.do(t, "POST", "/admin/settings", "", url.Values{"csrf": {br.csrf}, "name": {"seller_name"}, "value": {"Toko Sinar"}}); st != 303 {
			t.Fatalf("setting form: %d", st)
		}
		st, page := br.do(t, "GET", "/admin/settings", "", nil)
		for _, want := range []string{"MANDIRI", "1370098765432", `value="Toko Sinar"`, `placeholder="KIOS"`, "saved"} {
			if st != 200 || !strings.Contains(string(page), want) {
				t.Errorf("settings page (%d) lacks %q", st, want)
			}
		}
		if st, _ := br.do(t, "POST", "/admin/banks/MANDIRI/remove", "", url.Values{"csrf": {br.csrf}}); st != 303 {
			t.Fatalf("remove form: %d", st)
		}

		n := map[string]int{}
		for _, target := range []string{"setting:seller_name", "bank:BCA", "bank:MANDIRI"} {
			for _, a := range e.audit(t, target) {
				n[a.Action]++
			}
		}
		for action, want := range map[string]int{"settings.set": 2, "bank.add": 2, "bank.remove": 2} {
			if n[action] != want {
				t.Errorf("%d %s rows, want %d (%v)", n[action], action, want, n)
			}
		}
	})
}
