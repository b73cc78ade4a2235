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
