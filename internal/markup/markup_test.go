package markup

import (
	"math/big"
	"testing"

	"github.com/kios-h2h/kios/internal/ledger"
)

func TestPrices(t *testing.T) {
	t.Parallel()
	s := NewSet([]Rule{
		{Scope: ScopeDefault, Tier: DefaultTier, PercentBP: 500},
		{Scope: ScopeDefault, Tier: "gold", PercentBP: 100},
		{Scope: ScopeProduct, Target: "mlbb", Tier: DefaultTier, Fixed: 300},
		{Scope: ScopeVariant, Target: "MLBB_5", Tier: "gold", Fixed: -1000, Floor: 10},
	})
	cases := []struct {
		product, variant, tier string
		cost, want             int64
	}{
		{"pulsa", "s5", DefaultTier, 1000, 1050}, // default 5 %
		{"pulsa", "s5", "gold", 1000, 1010},      // gold default 1 %
		{"pulsa", "s5", "silver", 1001, 1052},    // unknown tier: default tier's rule, rounded up
		{"mlbb", "MLBB_10", DefaultTier, 1000, 1300},
		{"mlbb", "MLBB_10", "gold", 1000, 1010}, // tier beats scope: the gold default rule
		{"mlbb", "MLBB_5", "gold", 1000, 1010},  // a discount stops at the floor
	}
	for _, c := range cases {
		if got := s.Rule(c.product, c.variant, c.tier); cost(got, c.cost) != c.want {
			t.Errorf("%s/%s/%s cost %d: price %d, want %d (rule %+v)", c.product, c.variant, c.tier, c.cost, cost(got, c.cost), c.want, got)
		}
	}
	p := s.Prices("mlbb", "MLBB_5", 2000)
	if len(p) != 2 || p[DefaultTier] != 2300 || p["gold"] != 2010 {
		t.Fatalf("prices %v", p)
	}
}

func cost(r Rule, c int64) int64 { return c + r.Margin(c) }

func TestBuiltinNeverBelowCost(t *testing.T) {
	t.Parallel()
	s := NewSet(nil)
	for _, c := range []int64{0, 1, 2500, 1_000_000} {
		p := s.Prices("x", "y", c)[DefaultTier]
		if p < c+Builtin.Floor {
			t.Fatalf("cost %d: price %d below cost plus floor", c, p)
		}
	}
	if err := (Rule{Scope: ScopeProduct, Tier: "x"}).Validate(); err == nil {
		t.Fatal("product rule without target accepted")
	}
}

// TestMarginNeverOverflows: the largest cost the ledger can hold, under the largest percentage a
// rule may set, gives the exact margin (cost × basis points would overflow int64), and rules past
// those bounds are refused.
func TestMarginNeverOverflows(t *testing.T) {
	r := Rule{Scope: ScopeDefault, Tier: DefaultTier, PercentBP: MaxPercentBP}
	cost := ledger.MaxAmount - 1
	want := new(big.Int).Mul(big.NewInt(cost), big.NewInt(MaxPercentBP))
	want.Add(want, big.NewInt(9999)).Quo(want, big.NewInt(10000))
	if got := r.Margin(cost); got != want.Int64() {
		t.Fatalf("margin %d, want %d", got, want.Int64())
	}
	for _, bad := range []Rule{
		{Scope: ScopeDefault, Tier: DefaultTier, PercentBP: MaxPercentBP + 1},
		{Scope: ScopeDefault, Tier: DefaultTier, Fixed: ledger.MaxAmount + 1},
		{Scope: ScopeDefault, Tier: DefaultTier, Fixed: -ledger.MaxAmount - 1},
		{Scope: ScopeDefault, Tier: DefaultTier, Floor: ledger.MaxAmount + 1},
	} {
		if bad.Validate() == nil {
			t.Errorf("rule %+v accepted", bad)
		}
	}
}
