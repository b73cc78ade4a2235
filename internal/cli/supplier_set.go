package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/kios-h2h/kios/internal/core"
)

// rateFlag is a rate in requests per second, written "R/s" (or R alone): suppliers publish
// their limits that way.
type rateFlag float64

func (r *rateFlag) String() string {
	if r == nil || *r == 0 {
		return ""
	}
	return strconv.FormatFloat(float64(*r), 'f', -1, 64) + "/s"
}

func (r *rateFlag) Set(v string) error {
	f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), "/s"), 64)
	if err != nil || f < 0 {
		return fmt.Errorf("want requests per second, e.g. 50/s (0/s: no limit)")
	}
	*r = rateFlag(f)
	return nil
}

func runSupplierSet(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("supplier set")
	maxInflight := fs.Int("max-inflight", 0, "most requests in flight to it at once; beyond, orders wait in the queue")
	var rate rateFlag
	fs.Var(&rate, "rate", "most requests per second to it, e.g. 50/s (0/s: no limit)")
	var pf patternFlags
	pf.register(fs)
	defaults := fs.Bool("default-patterns", false, "read an otomax supplier's replies with the default patterns again")
	pos, svc, err := e.start(ctx, fs, args, "NAME")
	if err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if pf.json() != "" || *defaults {
		if pf.json() != "" && *defaults {
			return usagef("give --*-pattern flags or --default-patterns, not both")
		}
		if err := svc.SetSupplierReplyPatterns(ctx, pos[0], pf.json()); err != nil {
			if fe, ok := core.IsFieldError(err); ok {
				return usagef("--%s %s", fe.Field, fe.Reason)
			}
			return err
		}
		fmt.Fprintf(e.Stdout, "supplier %s: reply patterns set (every node applies them within 5 s)\n", pos[0])
		if !given["max-inflight"] && !given["rate"] {
			return nil
		}
	}
	if !given["max-inflight"] && !given["rate"] {
		return usagef("give --max-inflight N and/or --rate R/s, or reply patterns (--success-pattern RE …, --default-patterns)")
	}
	cur, err := svc.SupplierByName(ctx, pos[0])
	if err != nil {
		return err
	}
	m, r := cur.MaxInflight, cur.Rate
	if given["max-inflight"] {
		m = *maxInflight
	}
	if given["rate"] {
		r = float64(rate)
	}
	if err := svc.SetSupplierBounds(ctx, pos[0], m, r); err != nil {
		if fe, ok := core.IsFieldError(err); ok {
			return usagef("--%s %s", fe.Field, fe.Reason)
		}
		return err
	}
	limit := "no rate limit"
	if r > 0 {
		limit = (*rateFlag)(&r).String()
	}
	fmt.Fprintf(e.Stdout, "supplier %s: at most %d requests in flight, %s (every node applies it within 5 s)\n", pos[0], m, limit)
	return nil
}
