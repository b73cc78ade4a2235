package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/markup"
)

func runMarkupList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("markup list")
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	rules, err := svc.MarkupRules(ctx)
	if err != nil {
		return err
	}
	tw := e.table()
	fmt.Fprintln(tw, "SCOPE\tTARGET\tTIER\tFIXED\tPERCENT\tFLOOR")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.2f\t%d\n", r.Scope, r.Target, r.Tier, r.Fixed, float64(r.PercentBP)/100, r.Floor)
	}
	b := markup.Builtin
	fmt.Fprintf(tw, "(builtin)\t\t%s\t%d\t%.2f\t%d\n", b.Tier, b.Fixed, float64(b.PercentBP)/100, b.Floor)
	return tw.Flush()
}
