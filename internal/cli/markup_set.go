package cli

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/markup"
)

func runMarkupSet(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("markup set")
	var r markup.Rule
	scope := fs.String("scope", "default", "what the rule applies to: default, product or variant")
	fs.StringVar(&r.Target, "target", "", "the product or variant code (for scope product or variant)")
	fs.StringVar(&r.Tier, "tier", markup.DefaultTier, "membership tier")
	fs.Int64Var(&r.Fixed, "fixed", 0, "rupiah added to cost")
	percent := fs.String("percent", "0", "percent of cost added, e.g. 2.5")
	fs.Int64Var(&r.Floor, "floor", 0, "least margin over cost in rupiah, whatever the rule gives")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	p, err := strconv.ParseFloat(*percent, 64)
	if err != nil || p < 0 || p > 1000 {
		return usagef("--percent must be a number from 0 to 1000")
	}
	r.Scope, r.PercentBP = markup.Scope(*scope), int64(math.Round(p*100))
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	if err := markupTargetExists(ctx, svc, r.Scope, r.Target); err != nil {
		return err
	}
	if err := svc.SetMarkup(ctx, r); err != nil {
		if fe, ok := core.IsFieldError(err); ok {
			return usagef("%s", fe.Reason)
		}
		return err
	}
	fmt.Fprintln(e.Stdout, "markup rule saved; prices follow at the next catalog sync")
	return nil
}

// markupTargetExists refuses a rule for a product or variant that is not in the catalog: a typo
// in --target would otherwise save a rule that never applies.
func markupTargetExists(ctx context.Context, svc *core.Service, scope markup.Scope, target string) error {
	if target == "" || (scope != markup.ScopeProduct && scope != markup.ScopeVariant) {
		return nil
	}
	products, variants, err := loadCatalog(ctx, svc)
	if err != nil {
		return err
	}
	if scope == markup.ScopeProduct {
		for _, p := range products {
			if p.Code == target {
				return nil
			}
		}
		return usagef("--target %q: no product with that code (kios catalog list)", target)
	}
	for _, v := range variants {
		if v.Code == target {
			return nil
		}
	}
	return usagef("--target %q: no variant with that code (kios catalog list)", target)
}
