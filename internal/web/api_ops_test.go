package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/web"
)

// fakePull is a supplier that lists two products and reports a balance, as package pull would
// fetch them; release, when set, holds the sync until the test lets it go.
type fakePull struct {
	svc     *core.Service
	release chan struct{}
}

func (f *fakePull) Sync(ctx context.Context, name, kind string, progress core.SyncProgress) (core.SyncReport, error) {
	if f.release != nil {
		progress(0, 2)
		<-f.release
	}
	items := []supplier.Item{
		{Code: "UP_FF5", Name: "5 Diamonds", ProductCode: "free-fire", ProductName: "Free Fire", Kind: "prepaid", Cost: 900, Active: true},
		{Code: "UP_FF12", Name: "12 Diamonds", ProductCode: "free-fire", ProductName: "Free Fire", Kind: "prepaid", Cost: 2000, Active: true},
	}
	return f.svc.SyncCatalog(ctx, name, items, progress)
}

func (f *fakePull) Balance(ctx context.Context, name string) (int64, error) {
	return 750000, f.svc.SetSupplierBalance(ctx, name, 750000)
}

// The admin API does what the supplier, markup, report, export, statement and admin commands do,
// each change with its audit row naming the admin's token.
func TestOperatorEndpoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		pull := &fakePull{release: make(chan struct{})}
		e := setupOn(t, b, web.Options{Pull: pull})
		pull.svc = e.svc

		var sup struct {
			Supplier web.SupplierStatus `json:"supplier"`
		}
		e.api("POST", "/admin/api/suppliers", map[string]any{"name": "hulu", "kind": "digiflazz", "base_url": "https://h2h.hulu.example/v1",
			"username": "u", "api_key": "sekret-key"}, 201, &sup)
		if sup.Supplier.Name != "hulu" || !sup.Supplier.Enabled || sup.Supplier.BaseURL != "https://h2h.hulu.example/v1" {
			t.Fatalf("added: %+v", sup.Supplier)
		}
		if st, body := e.call("POST", "/admin/api/suppliers", e.token, map[string]any{"name": "hulu", "kind": "digiflazz", "username": "u", "api_key": "k"}); st != 409 {
			t.Errorf("same name again: %d %s", st, body)
		}
		if st, body := e.call("POST", "/admin/api/suppliers", e.token, map[string]any{"name": "x2", "kind": "basstore", "base_url": "https://a.example"}); st != 400 || !strings.Contains(string(body), `"field":"token"`) {
			t.Errorf("basstore without token: %d %s", st, body)
		}
		if st, body := e.call("POST", "/admin/api/suppliers", e.token, map[string]any{"name": "x3", "kind": "digiswitch", "base_url": "ftp://a", "username": "u", "api_key": "k"}); st != 400 || !strings.Contains(string(body), `"field":"base_url"`) {
			t.Errorf("bad base url: %d %s", st, body)
		}
		e.api("POST", "/admin/api/suppliers/hulu/disable", nil, 200, &sup)
		if sup.Supplier.Enabled {
			t.Errorf("disable: %+v", sup.Supplier)
		}
		e.api("POST", "/admin/api/suppliers/hulu/enable", nil, 200, &sup)
		if !sup.Supplier.Enabled {
			t.Errorf("enable: %+v", sup.Supplier)
		}
		if st, _ := e.call("POST", "/admin/api/suppliers/nobody/enable", e.token, nil); st != 404 {
			t.Errorf("enable unknown supplier: %d", st)
		}
		var dep struct {
			LedgerBalance int64 `json:"ledger_balance"`
		}
		e.api("POST", "/admin/api/suppliers/hulu/deposit", map[string]any{"amount": 5000000, "note": "top-up"}, 200, &dep)
		if dep.LedgerBalance != 5000000 {
			t.Errorf("deposit: ledger balance %d", dep.LedgerBalance)
		}
		if st, body := e.call("POST", "/admin/api/suppliers/hulu/deposit", e.token, map[string]any{"amount": -5}); st != 400 {
			t.Errorf("negative deposit: %d %s", st, body)
		}
		e.api("POST", "/admin/api/suppliers/hulu/balance", nil, 200, &sup)
		if !sup.Supplier.HasBalance || sup.Supplier.Balance != 750000 || sup.Supplier.LedgerBalance != 5000000 {
			t.Errorf("balance: %+v", sup.Supplier)
		}

		// Markup first, so the sync prices the new variants by it.
		if st, body := e.call("POST", "/admin/api/markup", e.token, map[string]any{"scope": "product", "target": "no-such-game", "percent": 3}); st != 400 || !strings.Contains(string(body), "target") {
			t.Errorf("markup for a missing product: %d %s", st, body)
		}
		e.api("POST", "/admin/api/markup", map[string]any{"percent": 10, "floor": 50}, 200, nil)
		var rules struct {
			Rules []map[string]any `json:"rules"`
		}
		e.api("GET", "/admin/api/markup", nil, 200, &rules)
		if len(rules.Rules) != 1 || rules.Rules[0]["percent"] != 10.0 || rules.Rules[0]["tier"] != "default" {
			t.Errorf("markup rules: %+v", rules.Rules)
		}

		// A sync runs in the background; its progress is asked after, and a second one waits.
		var run struct {
			Sync web.SyncRun `json:"sync"`
		}
		e.api("POST", "/admin/api/catalog/sync", map[string]any{"supplier": "hulu"}, 202, &run)
		if run.Sync.State != "running" || len(run.Sync.Suppliers) != 1 || run.Sync.Suppliers[0].Name != "hulu" {
			t.Fatalf("sync started: %+v", run.Sync)
		}
		if st, body := e.call("POST", "/admin/api/catalog/sync", e.token, nil); st != 409 {
			t.Errorf("second sync: %d %s", st, body)
		}
		close(pull.release)
		deadline := time.Now().Add(30 * time.Second)
		for run.Sync.State == "running" && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			e.api("GET", "/admin/api/catalog/sync", nil, 200, &run)
		}
		s := run.Sync.Suppliers[0]
		if run.Sync.State != "done" || s.State != "done" || s.Report == nil || s.Report.VariantsCreated != 2 || s.Done != 2 || s.Total != 2 {
			t.Fatalf("sync: %+v %+v", run.Sync, s.Report)
		}
		if st, _ := e.call("POST", "/admin/api/catalog/sync", e.token, map[string]any{"supplier": "nobody"}); st != 404 {
			t.Errorf("sync of an unknown supplier: %d", st)
		}

		e.api("POST", "/admin/api/suppliers/hulu/map", map[string]any{"sku": "UP_FF5", "variant": "MLBB_ID_5", "priority": 2}, 200, &sup)
		if sup.Supplier.MappedSKUs != 2 { // UP_FF5 moved from its own variant to MLBB_ID_5
			t.Errorf("mapped: %+v", sup.Supplier)
		}
		if st, _ := e.call("POST", "/admin/api/suppliers/hulu/map", e.token, map[string]any{"sku": "UP_FF5", "variant": "NOPE"}); st != 404 {
			t.Errorf("map to a missing variant: %d", st)
		}

		// Export: the CSV `kios catalog export` writes, with the synced variants.
		st, body := e.call("GET", "/admin/api/catalog/export", e.token, nil)
		if st != 200 || !strings.HasPrefix(string(body), "product_code,") || !strings.Contains(string(body), "MLBB_ID_5") {
			t.Errorf("export: %d %s", st, body)
		}

		var margin struct {
			Rows  []map[string]any `json:"rows"`
			Total map[string]int64 `json:"total"`
		}
		e.api("GET", "/admin/api/reports/margin", nil, 200, &margin)
		if margin.Rows == nil || margin.Total == nil {
			t.Errorf("margin report: %+v", margin)
		}
		if st, _ := e.call("GET", "/admin/api/reports/margin?from=yesterday", e.token, nil); st != 400 {
			t.Errorf("margin with a bad day: %d", st)
		}

		// A statement pays an open ticket: approved once, however often it is sent.
		r, _ := e.svc.Reseller(context.Background(), "testshop")
		tk, err := e.svc.OpenTicket(context.Background(), core.DepositParams{Reseller: r, Amount: 100000, Bank: "BCA", OwnerName: "Test"})
		if err != nil {
			t.Fatal(err)
		}
		// Dated by the Jakarta day, as a bank's statement and the ticket are (UTC's day is a day
		// behind from 17:00 UTC).
		statement := "date,description,amount\n" + catalog.Day(time.Now()) + ",TRF TEST," + jsonInt(tk.Amount) + "\n"
		for i, want := range []int{1, 0} {
			var m struct {
				Approved []map[string]any `json:"approved"`
				Credited int64            `json:"credited"`
			}
			st, body := e.raw("POST", "/admin/api/deposit-tickets/match", "text/csv", statement)
			if st != 200 {
				t.Fatalf("match %d: %d %s", i, st, body)
			}
			_ = json.Unmarshal(body, &m)
			if len(m.Approved) != want {
				t.Errorf("match %d: %s", i, body)
			}
		}
		if st, body := e.raw("POST", "/admin/api/deposit-tickets/match", "text/csv", "a,\"b\n"); st != 400 {
			t.Errorf("garbled statement: %d %s", st, body)
		}

		// Admins: reset a password (the old one stops working), disable (not oneself), enable.
		var created struct{ Password string }
		e.api("POST", "/admin/api/admins", map[string]any{"username": "second"}, 201, &created)
		var reset struct{ Password string }
		e.api("POST", "/admin/api/admins/second/reset-password", nil, 200, &reset)
		if reset.Password == "" || reset.Password == created.Password {
			t.Errorf("reset password: %+v", reset)
		}
		if _, _, err := e.as.Login(context.Background(), "second", created.Password, "127.0.0.2"); err == nil {
			t.Error("old password still signs in")
		}
		e.api("POST", "/admin/api/admins/second/disable", nil, 200, nil)
		if _, _, err := e.as.Login(context.Background(), "second", reset.Password, "127.0.0.3"); err == nil {
			t.Error("a disabled admin signs in")
		}
		if st, body := e.call("POST", "/admin/api/admins/boss/disable", e.token, nil); st != 409 {
			t.Errorf("disable oneself: %d %s", st, body)
		}
		e.api("POST", "/admin/api/admins/second/enable", nil, 200, nil)
		if _, _, err := e.as.Login(context.Background(), "second", reset.Password, "127.0.0.4"); err != nil {
			t.Errorf("enabled admin: %v", err)
		}
		if st, _ := e.call("POST", "/admin/api/admins/nobody/reset-password", e.token, nil); st != 404 {
			t.Errorf("reset an unknown admin: %d", st)
		}

		actions := map[string]string{}
		var all struct {
			Entries []web.AuditView `json:"entries"`
		}
		e.api("GET", "/admin/api/audit?limit=500", nil, 200, &all)
		for _, a := range all.Entries {
			actions[a.Action+" "+a.Target] = a.Actor
			if strings.Contains(string(a.After), "sekret") {
				t.Errorf("secret in the audit log: %+v", a)
			}
		}
		for _, want := range []string{"supplier.add supplier:hulu", "supplier.disable supplier:hulu", "supplier.enable supplier:hulu",
			"supplier.deposit supplier:hulu", "supplier.balance supplier:hulu", "supplier.map supplier:hulu", "catalog.sync supplier:hulu",
			"markup.set markup:default", "deposit.match statement", "admin.reset-password admin:second", "admin.disable admin:second",
			"admin.enable admin:second"} {
			if actor, ok := actions[want]; !ok || actor != "boss/tests" {
				t.Errorf("audit %q: actor %q (have %v)", want, actor, actions)
			}
		}
		// A refused change is not on record as done.
		if _, ok := actions["supplier.add supplier:x2"]; ok {
			t.Error("a refused supplier add was audited")
		}
		e.checkLedger(t)
	})
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// raw sends a body of a given content type with the admin token.
func (e *env) raw(method, path, contentType, body string) (int, []byte) {
	e.t.Helper()
	return e.send(method, path, e.token, contentType, strings.NewReader(body))
}

// The text channels' settings (reseller set-pin, bind, unbind, text limits, channel add, list,
// remove) have their endpoints, each audited.
func TestTextChannelEndpoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := setupOn(t, b, web.Options{})
		var pin struct{ PIN string }
		e.api("POST", "/admin/api/resellers/testshop/pin", nil, 200, &pin)
		if len(pin.PIN) != 6 {
			t.Errorf("generated pin %q", pin.PIN)
		}
		if st, _ := e.call("POST", "/admin/api/resellers/testshop/pin", e.token, map[string]any{"pin": "12"}); st != 400 {
			t.Errorf("short pin: %d", st)
		}
		if st, _ := e.call("POST", "/admin/api/resellers/nobody/pin", e.token, map[string]any{"pin": "1234"}); st != 404 {
			t.Errorf("pin of unknown reseller: %d", st)
		}
		var bound struct {
			Created bool
			ID      string
		}
		e.api("POST", "/admin/api/resellers/testshop/bind", map[string]any{"channel": "telegram", "id": "424242"}, 200, &bound)
		if !bound.Created || bound.ID != "424242" {
			t.Errorf("bind: %+v", bound)
		}
		if st, _ := e.call("POST", "/admin/api/resellers/testshop/bind", e.token, map[string]any{"channel": "pigeon", "id": "1"}); st != 400 {
			t.Errorf("bind on an unknown channel: %d", st)
		}
		e.api("POST", "/admin/api/resellers/testshop/unbind", map[string]any{"channel": "telegram", "id": "424242"}, 200, nil)

		var lim struct {
			Limits map[string]any `json:"limits"`
		}
		e.api("POST", "/admin/api/text-limits", map[string]any{"reseller": "testshop", "identity_count": 7}, 200, &lim)
		e.api("GET", "/admin/api/text-limits?reseller=testshop", nil, 200, &lim)
		if lim.Limits["identity_count"] != 7.0 {
			t.Errorf("limits: %+v", lim.Limits)
		}
		if st, _ := e.call("POST", "/admin/api/text-limits", e.token, map[string]any{"reseller_spend": -1}); st != 400 {
			t.Errorf("negative limit: %d", st)
		}

		var ch struct {
			Webhook string `json:"webhook"`
		}
		e.api("POST", "/admin/api/channels", map[string]any{"kind": "whatsapp", "token": "device-sekret"}, 201, &ch)
		if !strings.Contains(ch.Webhook, "/text/whatsapp/webhook?secret=") {
			t.Errorf("channel add: %+v", ch)
		}
		if st, body := e.call("POST", "/admin/api/channels", e.token, map[string]any{"kind": "jabber"}); st != 400 || strings.Contains(string(body), "--") {
			t.Errorf("jabber without jid: %d %s", st, body)
		}
		st, body := e.call("GET", "/admin/api/channels", e.token, nil)
		if st != 200 || !strings.Contains(string(body), `"kind":"whatsapp"`) || strings.Contains(string(body), "sekret") {
			t.Errorf("channels: %d %s", st, body)
		}
		e.api("DELETE", "/admin/api/channels/whatsapp", nil, 204, nil)
		if st, _ := e.call("DELETE", "/admin/api/channels/whatsapp", e.token, nil); st != 404 {
			t.Errorf("remove twice: %d", st)
		}

		var all struct {
			Entries []web.AuditView `json:"entries"`
		}
		e.api("GET", "/admin/api/audit?limit=500", nil, 200, &all)
		n := map[string]int{}
		for _, a := range all.Entries {
			n[a.Action]++
			if strings.Contains(string(a.After), "sekret") {
				t.Errorf("secret in the audit log: %+v", a)
			}
		}
		for action, want := range map[string]int{"reseller.set-pin": 1, "reseller.bind": 1, "reseller.unbind": 1, "text.limits": 1,
			"channel.add": 1, "channel.remove": 1} {
			if n[action] != want {
				t.Errorf("%d %s rows, want %d (%v)", n[action], action, want, n)
			}
		}
	})
}
