package demo_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

func TestSeedIsRepeatable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testSeedIsRepeatable)
}

func testSeedIsRepeatable(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	db := b.Open(t)
	svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	first, err := demo.Seed(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Created || first.Reseller.Membership != demo.Tier || len(first.Token) < 32 || first.APIKey == "" {
		t.Fatalf("first seed: %+v", first)
	}
	second, err := demo.Seed(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	if first.Variants == 0 || first.Products == 0 || second.Variants != 0 || second.Products != 0 {
		t.Errorf("catalog added: first %d products, %d variants; second %d, %d", first.Products, first.Variants, second.Products, second.Variants)
	}
	if second.Created || second.Reseller.ID != first.Reseller.ID || second.Token == first.Token || second.APIKey != first.APIKey {
		t.Fatalf("second seed: %+v", second)
	}
	if _, err := svc.Authenticate(ctx, first.Token); !errors.Is(err, reseller.ErrNotFound) {
		t.Errorf("old token still works: %v", err)
	}
	r, err := svc.Authenticate(ctx, second.Token)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Allows(netip.MustParseAddr("127.0.0.1")) || len(r.AllowIPs) != 0 {
		t.Errorf("demo reseller allowlist: %v", r.AllowIPs)
	}
	if bal, _ := svc.Balance(ctx, r.ID); bal != demo.StartingBalance {
		t.Errorf("balance %d after two seeds, want %d once", bal, demo.StartingBalance)
	}
	rep, err := svc.LedgerCheck(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("ledger: %v %v", err, rep.Discrepancies)
	}
}

func TestCatalogHasWhatTheIssueAsks(t *testing.T) {
	t.Parallel()
	products, variants := demo.Catalog()
	byCode := map[string]catalog.Variant{}
	for _, v := range variants {
		byCode[v.Code] = v
	}
	if products[0].Code != "mobile-legends" || products[0].Name != "Mobile Legends" {
		t.Errorf("first product %+v", products[0])
	}
	for code, price := range map[string]int64{"MLBB_ID_5": 1389, "s5": 5005, "s50": 49030} {
		v, ok := byCode[code]
		if !ok || v.Prices[demo.Tier] != price || v.Prices[catalog.DefaultTier] <= price {
			t.Errorf("%s: %+v", code, v)
		}
	}
	if byCode["MLBB_ID_5"].Name != "5 (5+0) Diamonds" || byCode["s5"].Name != "Telkomsel 5rb" {
		t.Error("names differ from the reference")
	}
	var limited, once, cutoff int
	for _, v := range variants {
		if !v.UnlimitedStock {
			limited++
		}
		if !v.Multi {
			once++
		}
		if v.CutoffStart != v.CutoffEnd {
			cutoff++
		}
		if v.ProcessDuration == "" {
			t.Errorf("%s has no processDuration", v.Code)
		}
	}
	if limited == 0 || once == 0 || cutoff == 0 || byCode["s50"].Multi {
		t.Errorf("limited %d, multi=false %d, cut-off %d", limited, once, cutoff)
	}
	s100 := byCode["s100"]
	if !s100.InCutoff(time.Date(2026, 1, 1, 23, 50, 0, 0, catalog.Jakarta)) || s100.InCutoff(time.Date(2026, 1, 1, 12, 0, 0, 0, catalog.Jakarta)) {
		t.Error("s100 cut-off is not 23:45-00:15 Jakarta")
	}
}
