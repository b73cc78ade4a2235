package cli_test

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// TestTimesInWIB: the CLI shows times in Asia/Jakarta with the zone, `order list` included.
func TestTimesInWIB(t *testing.T) {
	t.Parallel()
	k := setup(t)
	k.ok("migrate", "up")
	ctx := context.Background()
	svc, err := core.New(ctx, storetest.OpenURL(t, k.db), core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SaveCatalog(ctx, []catalog.Product{{Code: "g", Name: "G", Active: true}},
		[]catalog.Variant{{ProductCode: "g", Code: "V1", Name: "V1", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 1000}}}); err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Shop"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credit(ctx, cr.Reseller.Username, 5000, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PlaceOrder(ctx, core.PlaceParams{Reseller: cr.Reseller, VariantCode: "V1", Reference: "w1", Destination: "0812"}); err != nil {
		t.Fatal(err)
	}
	stamp := regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WIB`)
	for _, args := range [][]string{{"order", "list"}, {"migrate", "status"}} {
		if out := k.ok(args...); !stamp.MatchString(out) {
			t.Errorf("%s: no WIB time:\n%s", strings.Join(args, " "), out)
		}
	}
}
