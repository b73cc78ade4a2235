package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// kios archive and kios ledger check --archive on both backends: final orders before the day
// leave the live database for the file, the ledger checks stay clean, the file verifies against
// the checkpoint at the cut, order show says an archived order was archived, and running again
// continues (here: nothing left). Refusals: no target, both targets, a bad day.
func TestArchiveCommand(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		k.ok("migrate", "up")
		ctx := context.Background()
		svc, err := core.New(ctx, storetest.OpenURL(t, k.db), core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SaveCatalog(ctx, []catalog.Product{{Code: "g", Name: "Game", Active: true}},
			[]catalog.Variant{{ProductCode: "g", Code: "V1", Name: "V1", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 1000}}}); err != nil {
			t.Fatal(err)
		}
		cr, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Toko"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Credit(ctx, cr.Reseller.Username, 50000, "t"); err != nil {
			t.Fatal(err)
		}
		var invoices []string
		for i := range 4 {
			p, err := svc.PlaceOrder(ctx, core.PlaceParams{Reseller: cr.Reseller, VariantCode: "V1", Reference: fmt.Sprint("a", i), Destination: "0812"})
			if err != nil {
				t.Fatal(err)
			}
			invoices = append(invoices, p.Order.Invoice)
		}
		for i, inv := range invoices {
			res := core.Resolution{Invoice: inv, Status: order.Success, SN: "SN1", Actor: "test"}
			if i%2 == 1 {
				res = core.Resolution{Invoice: inv, Status: order.Failed, Actor: "test"}
			}
			if _, err := svc.ResolveOrder(ctx, res); err != nil {
				t.Fatal(err)
			}
		}
		file := filepath.Join(t.TempDir(), "2025.db")
		day := time.Now().In(catalog.Jakarta).AddDate(0, 0, 1).Format("2006-01-02")
		for _, bad := range [][]string{{"archive", "--before", day}, {"archive", "--before", day, "--drop", "--to", "sqlite:" + file},
			{"archive", "--before", "tomorrow", "--drop"}, {"archive", "--before", day, "--to", file}} {
			if r := k.run(bad...); r.code != 2 {
				t.Errorf("%v: exit %d, want 2 (%s)", bad, r.code, r.stderr)
			}
		}
		var res struct {
			Orders   int64  `json:"orders"`
			Postings int64  `json:"postings"`
			Before   string `json:"before"`
		}
		if err := json.Unmarshal([]byte(k.ok("archive", "--before", day, "--to", "sqlite:"+file, "--json")), &res); err != nil ||
			res.Orders == 0 || res.Orders > 4 || res.Postings == 0 || res.Before != day { // SQLite keeps the newest (store.archiveKeep)
			t.Fatalf("archive: %+v %v", res, err)
		}
		for _, args := range [][]string{{"ledger", "check"}, {"ledger", "check", "--full"}} {
			if out := k.ok(args...); !strings.HasPrefix(out, "ledger OK") {
				t.Fatalf("%v: %s", args, out)
			}
		}
		if out := k.ok("ledger", "check", "--archive", file); !strings.HasPrefix(out, "archive OK") ||
			!strings.Contains(out, fmt.Sprintf("%d orders, %d postings", res.Orders, res.Postings)) {
			t.Fatalf("ledger check --archive: %s", out)
		}
		if r := k.run("order", "show", invoices[0]); r.code != 1 || !strings.Contains(r.stderr, "were archived to sqlite:"+file) {
			t.Fatalf("order show of an archived order: exit %d, %s", r.code, r.stderr)
		}
		if out := k.ok("archive", "--before", day, "--to", "sqlite:"+file); !strings.HasPrefix(out, "archived 0 orders") {
			t.Fatalf("archive again: %s", out)
		}
		if r := k.run("ledger", "check", "--archive", filepath.Join(t.TempDir(), "none.db")); r.code != 1 {
			t.Fatalf("ledger check of a missing archive: exit %d", r.code)
		}
	})
}
