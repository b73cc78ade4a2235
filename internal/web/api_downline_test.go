package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/web"
)

// An admin sends an upline's balance to its direct downline: once per reference, audited; up,
// sideways, beyond the balance and malformed requests are refused with the field named, and
// move nothing.
func TestTransferEndpoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := setupOn(t, b, web.Options{})
		ctx := context.Background()
		e.credit(t, 50000)
		for _, n := range []core.NewReseller{{Name: "Ani", Username: "ani", Upline: "testshop"}, {Name: "Cici", Username: "cici"}} {
			if _, err := e.svc.CreateReseller(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		var out struct {
			Transfer core.TransferView `json:"transfer"`
			Created  bool              `json:"created"`
			Balance  int64             `json:"balance"`
		}
		req := map[string]any{"downline": "ani", "amount": 20000, "reference": "adm-1"}
		e.api("POST", "/admin/api/resellers/testshop/transfers", req, 201, &out)
		if !out.Created || out.Balance != 30000 || out.Transfer.Downline != "ani" || out.Transfer.Upline != "testshop" || out.Transfer.Status != "done" {
			t.Fatalf("transfer: %+v", out)
		}
		e.api("POST", "/admin/api/resellers/testshop/transfers", req, 200, &out)
		if out.Created || out.Balance != 30000 {
			t.Fatalf("replay: %+v", out)
		}
		for _, c := range []struct {
			path string
			body map[string]any
			want int
			has  string
		}{
			{"/admin/api/resellers/testshop/transfers", map[string]any{"downline": "ani", "amount": 1, "reference": "adm-1"}, 409, `"field":"reference"`},
			{"/admin/api/resellers/testshop/transfers", map[string]any{"downline": "cici", "amount": 1, "reference": "adm-2"}, 403, `"field":"downline"`},
			{"/admin/api/resellers/ani/transfers", map[string]any{"downline": "testshop", "amount": 1, "reference": "adm-3"}, 403, `"field":"downline"`},
			{"/admin/api/resellers/testshop/transfers", map[string]any{"downline": "ani", "amount": 30001, "reference": "adm-4"}, 409, `insufficient`},
			{"/admin/api/resellers/testshop/transfers", map[string]any{"downline": "ani", "amount": 0, "reference": "adm-5"}, 400, `"field":"amount"`},
			{"/admin/api/resellers/testshop/transfers", map[string]any{"downline": "ani", "amount": 5}, 400, `"field":"reference"`},
			{"/admin/api/resellers/testshop/transfers", map[string]any{"downline": "nobody", "amount": 5, "reference": "adm-6"}, 400, `"field":"downline"`},
			{"/admin/api/resellers/nobody/transfers", map[string]any{"downline": "ani", "amount": 5, "reference": "adm-7"}, 404, `not found`},
			{"/admin/api/resellers/testshop/transfers", map[string]any{"downline": "ani", "amount": "5", "reference": "adm-8"}, 400, ``},
			{"/admin/api/resellers/testshop/transfers", map[string]any{"downline": "ani", "amount": 5, "reference": "adm-9", "from": "x"}, 400, ``},
		} {
			st, body := e.call("POST", c.path, e.token, c.body)
			if st != c.want || !strings.Contains(string(body), c.has) {
				t.Errorf("%s %v: %d %s, want %d with %s", c.path, c.body, st, body, c.want, c.has)
			}
		}
		if bal, _ := e.svc.Balance(ctx, e.cr.Reseller.ID); bal != 30000 {
			t.Fatalf("upline's balance after refusals %d", bal)
		}
		var list struct {
			Transfers []core.TransferView `json:"transfers"`
		}
		e.api("GET", "/admin/api/resellers/ani/transfers", nil, 200, &list)
		if len(list.Transfers) != 1 || list.Transfers[0].Reference != "adm-1" || list.Transfers[0].Amount != 20000 {
			t.Fatalf("ani's transfers: %+v", list.Transfers)
		}
		if a := e.audit(t, "reseller:testshop"); len(a) == 0 || a[0].Action != "downline.transfer" || !strings.Contains(string(a[0].After), `"reference":"adm-1"`) {
			t.Fatalf("audit: %+v", a)
		}
		e.checkLedger(t)
	})
}

// An admin registers downlines and sets their markups for their uplines, within the depth and
// max_markup; each refusal names its field and changes nothing.
func TestDownlineEndpoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := setupOn(t, b, web.Options{})
		ctx := context.Background()
		var cr struct {
			Reseller struct {
				Username string `json:"username"`
			} `json:"reseller"`
			Password string `json:"password"`
		}
		e.api("POST", "/admin/api/resellers", map[string]any{"name": "Eka", "username": "eka", "upline": "testshop", "markup": 120}, 201, &cr)
		if cr.Reseller.Username != "eka" || cr.Password == "" {
			t.Fatalf("created: %+v", cr)
		}
		if err := e.svc.SetSetting(ctx, core.SettingMaxMarkup, "200"); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SetSetting(ctx, core.SettingDownlineDepth, "1"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			method, path string
			body         map[string]any
			want         int
			has          string
		}{
			{"POST", "/admin/api/resellers", map[string]any{"name": "X", "upline": "nobody"}, 400, `"field":"upline"`},
			{"POST", "/admin/api/resellers", map[string]any{"name": "X", "markup": 5}, 400, `"field":"markup"`},
			{"POST", "/admin/api/resellers", map[string]any{"name": "X", "upline": "testshop", "markup": 201}, 400, `"field":"markup"`},
			{"POST", "/admin/api/resellers", map[string]any{"name": "X", "upline": "testshop", "markup": -1}, 400, `"field":"markup"`},
			{"POST", "/admin/api/resellers", map[string]any{"name": "X", "upline": "eka"}, 400, `"field":"upline"`},
			{"POST", "/admin/api/resellers/eka/markup", map[string]any{"rupiah": 201}, 400, `"field":"rupiah"`},
			{"POST", "/admin/api/resellers/eka/markup", map[string]any{"rupiah": -1}, 400, `"field":"rupiah"`},
			{"POST", "/admin/api/resellers/eka/markup", map[string]any{}, 400, `"field":"rupiah"`},
			{"POST", "/admin/api/resellers/eka/markup", map[string]any{"product": "nope", "rupiah": 1}, 400, `"field":"product"`},
			{"POST", "/admin/api/resellers/eka/markup", map[string]any{"variant": "NOPE", "rupiah": 1}, 400, `"field":"variant"`},
			{"POST", "/admin/api/resellers/eka/markup", map[string]any{"product": "mobile-legends", "variant": "MLBB_ID_5", "rupiah": 1}, 400, `"field":"product"`},
			{"POST", "/admin/api/resellers/testshop/markup", map[string]any{"rupiah": 1}, 400, `"field":"reseller"`},
			{"POST", "/admin/api/resellers/nobody/markup", map[string]any{"rupiah": 1}, 404, ``},
			{"GET", "/admin/api/resellers/testshop/markup", nil, 400, `"field":"reseller"`},
		} {
			var body any
			if c.body != nil {
				body = c.body
			}
			st, raw := e.call(c.method, c.path, e.token, body)
			if st != c.want || !strings.Contains(string(raw), c.has) {
				t.Errorf("%s %s %v: %d %s, want %d with %s", c.method, c.path, c.body, st, raw, c.want, c.has)
			}
		}
		if _, err := e.svc.Reseller(ctx, "x"); err == nil {
			t.Fatal("a refused create made a reseller")
		}
		var m core.DownlineMarkups
		e.api("POST", "/admin/api/resellers/eka/markup", map[string]any{"variant": "MLBB_ID_5", "rupiah": 150}, 200, &m)
		e.api("POST", "/admin/api/resellers/eka/markup", map[string]any{"product": "mobile-legends", "rupiah": 100}, 200, &m)
		e.api("POST", "/admin/api/resellers/eka/markup", map[string]any{"rupiah": 90}, 200, &m)
		e.api("GET", "/admin/api/resellers/eka/markup", nil, 200, &m)
		if m.Upline != "testshop" || m.Default != 90 || len(m.Overrides) != 2 || m.Overrides[0] != (core.MarkupOverrideView{Scope: "product", Code: "mobile-legends", Rupiah: 100}) ||
			m.Overrides[1] != (core.MarkupOverrideView{Scope: "variant", Code: "MLBB_ID_5", Rupiah: 150}) {
			t.Fatalf("markups: %+v", m)
		}
		var ds struct {
			Downlines []core.DownlineInfo `json:"downlines"`
		}
		e.api("GET", "/admin/api/resellers/testshop/downlines", nil, 200, &ds)
		if len(ds.Downlines) != 1 || ds.Downlines[0].Username != "eka" || ds.Downlines[0].Markup != 90 {
			t.Fatalf("downlines: %+v", ds)
		}
		eka, _ := e.svc.Reseller(ctx, "eka")
		v, _ := e.svc.Variant(ctx, "MLBB_LTD")
		if p, _, _ := e.svc.PriceOf(ctx, eka, v); p != 1000+100 {
			t.Fatalf("eka's MLBB_LTD %d, want the product's 100 over 1000", p)
		}
		if a := e.audit(t, "reseller:eka"); len(a) == 0 || a[0].Action != "downline.markup" {
			t.Fatalf("audit: %+v", a)
		}
	})
}

// TestDownlineBadInputsAPI: bad requests to the downline tree's admin endpoints are each refused
// with their status and the field at fault, and change nothing (storetest.Dump).
func TestDownlineBadInputsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := setupOn(t, b, web.Options{})
		ctx := context.Background()
		e.credit(t, 50000)
		for _, n := range []core.NewReseller{{Name: "Ani", Username: "ani", Upline: "testshop", Markup: 10}, {Name: "Dodi", Username: "dodi", Upline: "ani"}, {Name: "Cici", Username: "cici"}} {
			if _, err := e.svc.CreateReseller(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		e.api("POST", "/admin/api/resellers/testshop/transfers", map[string]any{"downline": "ani", "amount": 1000, "reference": "used"}, 201, nil)
		if err := e.svc.SetSetting(ctx, core.SettingMaxMarkup, "200"); err != nil {
			t.Fatal(err)
		}
		const tr, mk, rs = "/admin/api/resellers/testshop/transfers", "/admin/api/resellers/ani/markup", "/admin/api/resellers"
		rows := []struct {
			path string
			body any
			want int
			has  string
		}{
			{tr, map[string]any{"downline": "cici", "amount": 1, "reference": "b1"}, 403, `"field":"downline"`},
			{"/admin/api/resellers/cici/transfers", map[string]any{"downline": "dodi", "amount": 1, "reference": "b2"}, 403, `not below this reseller`},
			{tr, map[string]any{"downline": "testshop", "amount": 1, "reference": "b3"}, 403, `"field":"downline"`},
			{"/admin/api/resellers/ani/transfers", map[string]any{"downline": "testshop", "amount": 1, "reference": "b4"}, 403, `"field":"downline"`},
			{tr, map[string]any{"downline": "ani", "amount": 49001, "reference": "b5"}, 409, `insufficient`},
			{tr, map[string]any{"downline": "ani", "amount": 999, "reference": "used"}, 409, `"field":"reference"`},
			{tr, map[string]any{"downline": "ani", "amount": 0, "reference": "b6"}, 400, `"field":"amount"`},
			{tr, map[string]any{"downline": "ani", "amount": -1, "reference": "b7"}, 400, `"field":"amount"`},
			{tr, map[string]any{"downline": "ani", "amount": 1}, 400, `"field":"reference"`},
			{tr, map[string]any{"downline": "ani", "amount": 1, "reference": "has space"}, 400, `"field":"reference"`},
			{tr, map[string]any{"downline": "ani", "amount": 1, "reference": strings.Repeat("r", 65)}, 400, `"field":"reference"`},
			{tr, map[string]any{"downline": "nobody", "amount": 1, "reference": "b8"}, 400, `"field":"downline"`},
			{tr, map[string]any{"downline": "ani", "amount": "1", "reference": "b9"}, 400, ``},
			{tr, map[string]any{"downline": "ani", "amount": 1.5, "reference": "b10"}, 400, ``},
			{tr, map[string]any{"downline": "ani", "amount": 1, "reference": "b11", "upline": "x"}, 400, ``},
			{tr, []any{"ani"}, 400, ``},
			{"/admin/api/resellers/nobody/transfers", map[string]any{"downline": "ani", "amount": 1, "reference": "b12"}, 404, ``},
			{rs, map[string]any{"name": "X", "upline": "nobody"}, 400, `"field":"upline"`},
			{rs, map[string]any{"name": "X", "markup": 5}, 400, `"field":"markup"`},
			{rs, map[string]any{"name": "X", "upline": "testshop", "markup": 201}, 400, `"field":"markup"`},
			{rs, map[string]any{"name": "X", "upline": "testshop", "markup": -1}, 400, `"field":"markup"`},
			{rs, map[string]any{"name": "X", "upline": "testshop", "markup": "5"}, 400, ``},
			{rs, map[string]any{"name": "", "upline": "testshop"}, 400, `"field":"name"`},
			{mk, map[string]any{"rupiah": 201}, 400, `"field":"rupiah"`},
			{mk, map[string]any{"rupiah": -1}, 400, `"field":"rupiah"`},
			{mk, map[string]any{}, 400, `"field":"rupiah"`},
			{mk, map[string]any{"product": "nope", "rupiah": 1}, 400, `"field":"product"`},
			{mk, map[string]any{"variant": "NOPE", "rupiah": 1}, 400, `"field":"variant"`},
			{mk, map[string]any{"product": "mobile-legends", "variant": "MLBB_ID_5", "rupiah": 1}, 400, `"field":"product"`},
			{mk, map[string]any{"rupiah": 1, "tier": "gold"}, 400, ``},
			{"/admin/api/resellers/testshop/markup", map[string]any{"rupiah": 1}, 400, `"field":"reseller"`},
			{"/admin/api/resellers/nobody/markup", map[string]any{"rupiah": 1}, 404, ``},
		}
		before := storetest.Dump(t, e.db)
		for _, r := range rows {
			st, raw := e.call("POST", r.path, e.token, r.body)
			if st != r.want || !strings.Contains(string(raw), r.has) || !strings.Contains(string(raw), `"error":`) {
				t.Errorf("POST %s %v: %d %s, want %d with %s", r.path, r.body, st, raw, r.want, r.has)
			}
			if after := storetest.Dump(t, e.db); after != before {
				t.Fatalf("POST %s %v changed the database:\n%s\n%s", r.path, r.body, before, after)
			}
		}
		// Past the depth limit, last.
		if err := e.svc.SetSetting(ctx, core.SettingDownlineDepth, "1"); err != nil {
			t.Fatal(err)
		}
		if st, raw := e.call("POST", rs, e.token, map[string]any{"name": "Deep", "upline": "ani"}); st != 400 || !strings.Contains(string(raw), `"field":"upline"`) {
			t.Errorf("past the depth: %d %s", st, raw)
		}
		if after := storetest.Dump(t, e.db); after != before {
			t.Fatal("a downline past the depth changed the database")
		}
		e.checkLedger(t)
	})
}
