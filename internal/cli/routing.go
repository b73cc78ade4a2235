package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
)

// runSupplierStats prints what the running nodes' routers learned of each supplier SKU: the
// window of final answers (success rate, time to final), the standing (ok, demoted, probe) and
// the last failure. The routers save their view every few seconds; a node stopped for ten
// minutes drops out.
func runSupplierStats(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("supplier stats")
	only := fs.String("supplier", "", "show one supplier's SKUs only")
	asJSON := jsonFlag(fs)
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	stats, err := svc.RoutingStats(ctx, *only)
	if err != nil {
		return err
	}
	if *asJSON {
		if stats == nil {
			stats = []core.SKUStats{}
		}
		return e.writeJSON(stats)
	}
	if len(stats) == 0 {
		fmt.Fprintln(e.Stdout, "no answers from suppliers in the last 10 minutes of any running server")
		return nil
	}
	tw := e.table()
	fmt.Fprintln(tw, "SUPPLIER\tSKU\tNODE\tOUTCOMES\tSUCCESS\tP50\tP95\tSTANDING\tLAST FAILURE")
	for _, st := range stats {
		rate := "-"
		if st.SuccessRate != nil {
			rate = strconv.FormatFloat(*st.SuccessRate*100, 'f', 0, 64) + "%"
		}
		standing := string(st.Standing)
		if !st.DemotedUntil.IsZero() {
			standing += " until " + wib(st.DemotedUntil)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", st.Supplier, st.SKU, st.Node, st.Outcomes, rate,
			millis(st.P50Millis), millis(st.P95Millis), standing, st.LastFailure)
	}
	return tw.Flush()
}

func millis(ms int64) string {
	if ms == 0 {
		return "-"
	}
	return (time.Duration(ms) * time.Millisecond).String()
}

// runRoutingSet sets the routing policy: the global one, or a product's own with --product.
func runRoutingSet(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("routing set")
	product := fs.String("product", "", "set this product's own policy (\"\" policy: back to the global one)")
	pos, svc, err := e.start(ctx, fs, args, "POLICY")
	if err != nil {
		return err
	}
	if *product == "" {
		err = svc.SetSetting(ctx, core.SettingRoutingPolicy, pos[0])
	} else {
		err = svc.SetProductRouting(ctx, *product, pos[0])
	}
	if err != nil {
		if fe, ok := core.IsFieldError(err); ok {
			return usagef("%s", fe.Reason)
		}
		if errors.Is(err, catalog.ErrProductNotFound) {
			return usagef("--product %s: no such product", *product)
		}
		return err
	}
	what := "the global routing policy"
	if *product != "" {
		what = "the routing policy of " + *product
	}
	fmt.Fprintf(e.Stdout, "%s is %s\n", what, orDefault(pos[0], "the default"))
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// runRoutingShow prints the global routing policy and the products with their own.
func runRoutingShow(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("routing show")
	asJSON := jsonFlag(fs)
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	ss, err := svc.Settings(ctx)
	if err != nil {
		return err
	}
	global := string(core.PolicyCheapest)
	for _, s := range ss {
		if s.Name == core.SettingRoutingPolicy {
			global = s.Value
		}
	}
	products, err := svc.ProductRouting(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return e.writeJSON(struct {
			Policy   string                        `json:"policy"`
			Products map[string]core.RoutingPolicy `json:"products"`
		}{global, products})
	}
	fmt.Fprintf(e.Stdout, "global: %s\n", global)
	tw := e.table()
	if len(products) > 0 {
		fmt.Fprintln(tw, "PRODUCT\tPOLICY")
		codes := make([]string, 0, len(products))
		for c := range products {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for _, code := range codes {
			fmt.Fprintf(tw, "%s\t%s\n", code, products[code])
		}
	}
	return tw.Flush()
}

// runPrefixList prints the operator prefix table.
func runPrefixList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("prefix list")
	asJSON := jsonFlag(fs)
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	rows, err := svc.OperatorPrefixes(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		if rows == nil {
			rows = []core.OperatorPrefix{}
		}
		return e.writeJSON(rows)
	}
	tw := e.table()
	fmt.Fprintln(tw, "OPERATOR\tPREFIX")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\n", r.Operator, r.Prefix)
	}
	return tw.Flush()
}

// runPrefixSet makes numbers starting with a prefix belong to an operator.
func runPrefixSet(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("prefix set")
	pos, svc, err := e.start(ctx, fs, args, "PREFIX", "OPERATOR")
	if err != nil {
		return err
	}
	if err := svc.SetOperatorPrefix(ctx, pos[0], pos[1]); err != nil {
		if fe, ok := core.IsFieldError(err); ok {
			return usagef("%s %s", fe.Field, fe.Reason)
		}
		return err
	}
	fmt.Fprintf(e.Stdout, "%s… numbers are %s's\n", pos[0], core.OperatorName(pos[1]))
	return nil
}

// runPrefixRemove takes a prefix out of the table.
func runPrefixRemove(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("prefix remove")
	pos, svc, err := e.start(ctx, fs, args, "PREFIX")
	if err != nil {
		return err
	}
	if err := svc.RemoveOperatorPrefix(ctx, pos[0]); err != nil {
		if errors.Is(err, core.ErrNotFound) {
			return usagef("prefix %s is not in the table", pos[0])
		}
		return err
	}
	fmt.Fprintf(e.Stdout, "prefix %s removed\n", pos[0])
	return nil
}
