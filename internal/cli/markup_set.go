package cli

import (
	"context"
	"flag"
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
	var dm core.MarkupSet
	fs.StringVar(&dm.Downline, "reseller", "", "a downline: set the markup its upline charges it (with --rupiah; --product or --variant for an override)")
	fs.StringVar(&dm.Product, "product", "", "with --reseller: the product code the markup applies to")
	fs.StringVar(&dm.Variant, "variant", "", "with --reseller: the variant code the markup applies to")
	rupiah := fs.String("rupiah", "", "with --reseller: the markup in rupiah")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if dm.Downline != "" || dm.Product != "" || dm.Variant != "" || *rupiah != "" {
		return downlineMarkupSet(ctx, e, fs, dm, *rupiah)
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

// downlineMarkupSet is `kios markup set --reseller DOWNLINE [--product|--variant CODE] --rupiah N`:
// the markup a downline's upline earns on it (issue 21), not a tier's price rule.
func downlineMarkupSet(ctx context.Context, e *Env, fs *flag.FlagSet, dm core.MarkupSet, rupiah string) error {
	var ruleFlag string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "scope", "target", "tier", "fixed", "percent", "floor":
			ruleFlag = f.Name
		}
	})
	switch {
	case ruleFlag != "":
		return usagef("--%s is for price rules; a downline's markup takes --reseller, --product or --variant, and --rupiah", ruleFlag)
	case dm.Downline == "":
		return usagef("--reseller is required with --product, --variant or --rupiah")
	case dm.Product != "" && dm.Variant != "":
		return usagef("give --product or --variant, not both")
	}
	n, err := strconv.ParseInt(rupiah, 10, 64)
	if err != nil || n < 0 {
		return usagef("--rupiah must be a whole number of rupiah, 0 or more")
	}
	dm.Rupiah = n
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	err = svc.SetDownlineMarkup(ctx, dm)
	if fe, ok := core.IsFieldError(err); ok {
		return usagef("--%s: %s", fe.Field, fe.Reason)
	}
	if err != nil {
		return err
	}
	what := "by default"
	if dm.Product != "" {
		what = "on product " + dm.Product
	} else if dm.Variant != "" {
		what = "on variant " + dm.Variant
	}
	fmt.Fprintf(e.Stdout, "markup of %s %s: Rp %d per order\n", dm.Downline, what, n)
	return nil
}
