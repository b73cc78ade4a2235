// Package demo holds what `kios serve --demo` loads so a newcomer can curl at once: a small
// catalog of games and pulsa priced for the "demo" tier, and a reseller "demo" on that tier that
// may call from loopback.
package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
)

// Username and Tier of the demo reseller.
const (
	Username = "demo"
	Tier     = "demo"
)

// StartingBalance is credited to the demo reseller when it is first created.
const StartingBalance = 1_000_000

// prices gives a variant its demo-tier price, a default-tier price a little above it, as a
// distributor would price a walk-in reseller, and the storefront's retail price: about 10 % over
// the demo tier, rounded up to Rp 100 as shops price for buyers.
func prices(demo int64) map[string]int64 {
	retail := (demo + demo/10 + 99) / 100 * 100
	return map[string]int64{Tier: demo, catalog.DefaultTier: demo + demo*4/100 + 50, core.RetailTier: retail}
}

// Catalog returns the demo products and variants.
func Catalog() ([]catalog.Product, []catalog.Variant) {
	products := []catalog.Product{
		{Code: "mobile-legends", Name: "Mobile Legends", Category: "Games", Brand: "MOBILE LEGENDS", Active: true},
		{Code: "free-fire", Name: "Free Fire", Category: "Games", Brand: "FREE FIRE", Active: true},
		{Code: "telkomsel", Name: "Telkomsel", Category: "Pulsa", Brand: "TELKOMSEL", Active: true},
	}
	game := func(product, code, name string, price int64) catalog.Variant {
		return catalog.Variant{
			ProductCode: product, Code: code, Name: name, Kind: catalog.Prepaid, Type: "Umum",
			Active: true, UnlimitedStock: true, Multi: true, ProcessDuration: "0", Prices: prices(price),
		}
	}
	pulsa := func(code, name, desc string, price int64) catalog.Variant {
		return catalog.Variant{
			ProductCode: "telkomsel", Code: code, Name: name, Kind: catalog.Prepaid, Type: "Umum", Description: desc,
			Active: true, UnlimitedStock: true, Multi: true, ProcessDuration: "5", Prices: prices(price),
		}
	}

	// A weekly pass sold from a limited allocation.
	wdp := game("mobile-legends", "MLBB_ID_WDP", "Weekly Diamond Pass", 27500)
	wdp.UnlimitedStock, wdp.Stock, wdp.ProcessDuration = false, 50, "60"
	// A denomination the upstream has switched off ("gangguan"): orders get 422.
	ff1000 := game("free-fire", "FF_1000", "1000 Diamonds", 128000)
	ff1000.Active = false
	// s50 as the Digiswitch price list shows it: limited stock, once a day per number.
	s50 := pulsa("s50", "Telkomsel 50rb", "Pulsa Telkomsel Rp 50.000", 49030)
	s50.UnlimitedStock, s50.Stock, s50.Multi = false, 100, false
	// Operators close pulsa around midnight for settlement.
	s100 := pulsa("s100", "Telkomsel 100rb", "Pulsa Telkomsel Rp 100.000", 97900)
	s100.CutoffStart, s100.CutoffEnd = 23*60+45, 15

	variants := []catalog.Variant{
		game("mobile-legends", "MLBB_ID_5", "5 (5+0) Diamonds", 1389),
		game("mobile-legends", "MLBB_ID_12", "12 (11+1) Diamonds", 3330),
		game("mobile-legends", "MLBB_ID_28", "28 (25+3) Diamonds", 7650),
		game("mobile-legends", "MLBB_ID_59", "59 (53+6) Diamonds", 15900),
		game("mobile-legends", "MLBB_ID_85", "85 (77+8) Diamonds", 22880),
		game("mobile-legends", "MLBB_ID_170", "170 (154+16) Diamonds", 45700),
		wdp,
		game("free-fire", "FF_5", "5 Diamonds", 890),
		game("free-fire", "FF_12", "12 Diamonds", 1790),
		game("free-fire", "FF_50", "50 Diamonds", 7050),
		game("free-fire", "FF_70", "70 Diamonds", 9500),
		game("free-fire", "FF_140", "140 Diamonds", 18900),
		ff1000,
		pulsa("s5", "Telkomsel 5rb", "Pulsa Telkomsel Rp 5.000", 5005),
		pulsa("s10", "Telkomsel 10rb", "Pulsa Telkomsel Rp 10.000", 10010),
		pulsa("s25", "Telkomsel 25rb", "Pulsa Telkomsel Rp 25.000", 24800),
		s50,
		s100,
	}
	pp, pv := Postpaid()
	return append(products, pp...), append(variants, pv...)
}

// Seeded is what Seed made: the demo reseller's credentials, shown once.
type Seeded struct {
	core.Credentials
	Created bool // false when the reseller existed and only its token was rotated
	// Products and Variants count what was added to the catalog (all of it on an empty database,
	// only what is missing on one with data).
	Products, Variants int
}

// Seed adds the demo products and variants that are missing (an existing one, which an operator
// may have repriced or switched off, is left as it is) and makes sure the demo reseller exists. Tokens are stored hashed, so an existing demo reseller cannot be told
// its old token again: it gets a new one. It is safe to run on every start.
func Seed(ctx context.Context, svc *core.Service) (Seeded, error) {
	products, variants := Catalog()
	np, nv, err := svc.AddMissingCatalog(ctx, products, variants)
	if err != nil {
		return Seeded{}, fmt.Errorf("demo catalog: %w", err)
	}
	r, err := svc.Reseller(ctx, Username)
	switch {
	case errors.Is(err, reseller.ErrNotFound):
		cr, err := svc.CreateReseller(ctx, core.NewReseller{
			Username: Username, Name: "Demo Reseller", Email: "demo@kios.invalid", Phone: "6281200000000", Membership: Tier,
		})
		if err != nil {
			return Seeded{}, fmt.Errorf("demo reseller: %w", err)
		}
		if _, err := svc.Credit(ctx, Username, StartingBalance, "demo starting balance"); err != nil {
			return Seeded{}, fmt.Errorf("demo reseller: %w", err)
		}
		return Seeded{Credentials: cr, Created: true, Products: np, Variants: nv}, nil
	case err != nil:
		return Seeded{}, fmt.Errorf("demo reseller: %w", err)
	}
	cr, err := svc.RotateToken(ctx, Username)
	if err != nil {
		return Seeded{}, fmt.Errorf("demo reseller: %w", err)
	}
	cr.APIKey = r.APIKey
	return Seeded{Credentials: cr, Products: np, Variants: nv}, nil
}
