// Package markup turns a supplier's cost into Kios's sell prices: per membership tier, a fixed
// amount or a percentage on top of cost, chosen by the most specific rule (variant, product,
// default), never less than a floor over cost, so Kios never sells below what it pays.
package markup

import (
	"fmt"
	"sort"

	"github.com/kios-h2h/kios/internal/ledger"
)

// Scope is what a rule applies to.
type Scope string

const (
	ScopeDefault Scope = "default" // every variant
	ScopeProduct Scope = "product" // the variants of one product (Target is its code)
	ScopeVariant Scope = "variant" // one variant (Target is its code)
)

// DefaultTier is the tier every reseller falls back to (catalog.DefaultTier).
const DefaultTier = "default"

// Rule sets the margin over cost for a tier.
type Rule struct {
	Scope     Scope
	Target    string // product or variant code; empty for ScopeDefault
	Tier      string
	Fixed     int64 // rupiah added to cost (may be negative, a discount on the percentage)
	PercentBP int64 // basis points of cost added (150 = 1.5 %)
	Floor     int64 // the least margin kept over cost, whatever Fixed and PercentBP say
}

// Builtin applies when no rule matches: 2 % over cost, at least Rp 50.
var Builtin = Rule{Scope: ScopeDefault, Tier: DefaultTier, PercentBP: 200, Floor: 50}

// Validate checks a rule.
func (r Rule) Validate() error {
	switch r.Scope {
	case ScopeDefault:
		if r.Target != "" {
			return fmt.Errorf("a default rule has no target")
		}
	case ScopeProduct, ScopeVariant:
		if r.Target == "" {
			return fmt.Errorf("a %s rule needs a target code", r.Scope)
		}
	default:
		return fmt.Errorf("scope %q: want default, product or variant", r.Scope)
	}
	if r.Tier == "" {
		return fmt.Errorf("tier is required")
	}
	if r.Floor < 0 || r.PercentBP < 0 {
		return fmt.Errorf("floor and percent must not be negative")
	}
	if r.PercentBP > MaxPercentBP || r.Floor > ledger.MaxAmount || r.Fixed > ledger.MaxAmount || r.Fixed < -ledger.MaxAmount {
		return fmt.Errorf("percent above %d basis points, or an amount above %d", MaxPercentBP, ledger.MaxAmount)
	}
	return nil
}

// MaxPercentBP bounds a rule's percentage (10 000 %). With it and costs of at most
// ledger.MaxAmount, no margin can overflow int64.
const MaxPercentBP = 1_000_000

// Margin is what the rule adds to cost: Fixed plus PercentBP of cost rounded up, and at least Floor.
func (r Rule) Margin(cost int64) int64 {
	// ⌈cost × bp / 10000⌉ without forming cost × bp, which overflows for large costs.
	m := r.Fixed + (cost/10000)*r.PercentBP + ((cost%10000)*r.PercentBP+9999)/10000
	if m < r.Floor {
		m = r.Floor
	}
	if m < 0 {
		m = 0
	}
	return m
}

// Set is a catalog's rules, indexed for lookup.
type Set struct {
	rules map[key]Rule
	tiers []string
}

type key struct {
	scope  Scope
	target string
	tier   string
}

// NewSet indexes rules.
func NewSet(rules []Rule) *Set {
	s := &Set{rules: map[key]Rule{}}
	tiers := map[string]bool{DefaultTier: true}
	for _, r := range rules {
		s.rules[key{r.Scope, r.Target, r.Tier}] = r
		tiers[r.Tier] = true
	}
	for t := range tiers {
		s.tiers = append(s.tiers, t)
	}
	sort.Strings(s.tiers)
	return s
}

// Tiers lists the tiers that get a price of their own: the default tier and every tier a rule names.
func (s *Set) Tiers() []string { return s.tiers }

// Rule finds the rule for a variant and tier: variant, then product, then default scope, first for
// the tier itself and then for the default tier; Builtin when nothing matches.
func (s *Set) Rule(productCode, variantCode, tier string) Rule {
	tiers := []string{tier}
	if tier != DefaultTier {
		tiers = append(tiers, DefaultTier)
	}
	for _, t := range tiers {
		for _, k := range []key{{ScopeVariant, variantCode, t}, {ScopeProduct, productCode, t}, {ScopeDefault, "", t}} {
			if r, ok := s.rules[k]; ok {
				return r
			}
		}
	}
	return Builtin
}

// Prices computes a variant's sell price for every tier from its cost.
func (s *Set) Prices(productCode, variantCode string, cost int64) map[string]int64 {
	out := make(map[string]int64, len(s.tiers))
	for _, t := range s.tiers {
		out[t] = cost + s.Rule(productCode, variantCode, t).Margin(cost)
	}
	return out
}
