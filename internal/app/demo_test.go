package app_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/app"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// TestServeDemoKeepsOperatorChanges: `serve --demo` on a database with data adds only what is
// missing: a demo variant the operator repriced or switched off stays so, a removed-from-sale
// product stays off, and the dashboard user admin keeps its password.
func TestServeDemoKeepsOperatorChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		dbURL := b.URL(t)
		cfg := app.Config{DB: dbURL, AdminAddr: "127.0.0.1:0", Demo: true, SimDelay: time.Millisecond}
		if backend.Kind(dbURL) == "postgres" {
			cfg.SecretKey = storetest.SecretKey
		}
		var out bytes.Buffer
		cfg.Stdout = &out
		_, stop := runApp(t, cfg)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`user: admin  password: (\S+)`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("no admin password in the first banner:\n%s", out.String())
		}
		adminPassword := m[1]

		// The operator reprices one demo variant, switches another off, and drops a product.
		db := storetest.OpenURL(t, dbURL)
		svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		products, variants := demo.Catalog()
		var changed []catalog.Variant
		for _, v := range variants {
			switch v.Code {
			case "MLBB_ID_5":
				v.Prices = map[string]int64{demo.Tier: 2000, catalog.DefaultTier: 2100}
				changed = append(changed, v)
			case "FF_5":
				v.Active, v.UnlimitedStock, v.Stock = false, false, 3
				changed = append(changed, v)
			}
		}
		var ff catalog.Product
		for _, p := range products {
			if p.Code == "free-fire" {
				ff = p
				ff.Active = false
			}
		}
		if err := svc.SaveCatalog(ctx, []catalog.Product{ff}, changed); err != nil {
			t.Fatal(err)
		}

		out.Reset()
		runApp(t, cfg)
		if strings.Contains(out.String(), "user: admin  password:") || !strings.Contains(out.String(), "its password is kept") {
			t.Errorf("second banner:\n%s", out.String())
		}
		as := admin.NewService(svc, admin.Options{})
		if _, _, err := as.Login(ctx, "admin", adminPassword, "127.0.0.1"); err != nil {
			t.Errorf("admin's first password after a second --demo start: %v", err)
		}
		v, err := svc.Variant(ctx, "MLBB_ID_5")
		if err != nil || v.Prices[demo.Tier] != 2000 || v.Prices[catalog.DefaultTier] != 2100 {
			t.Errorf("repriced variant after --demo: %+v, %v", v, err)
		}
		v, err = svc.Variant(ctx, "FF_5")
		if err != nil || v.Active || v.UnlimitedStock || v.Stock != 3 {
			t.Errorf("switched-off variant after --demo: %+v, %v", v, err)
		}
		p, err := svc.Product(ctx, "free-fire")
		if err != nil || p.Active {
			t.Errorf("product after --demo: %+v, %v", p, err)
		}
	})
}
