package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/markup"
)

func runMarkupList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("markup list")
	asJSON := jsonFlag(fs)
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	rules, err := svc.MarkupRules(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		type row struct {
			Scope   string  `json:"scope"`
			Target  string  `json:"target"`
			Tier    string  `json:"tier"`
			Fixed   int64   `json:"fixed"`
			Percent float64 `json:"percent"`
			Floor   int64   `json:"floor"`
			Builtin bool    `json:"builtin"` // the rule that applies when none of the others does
		}
		out := []row{}
		for i, r := range append(rules, markup.Builtin) {
			out = append(out, row{string(r.Scope), r.Target, r.Tier, r.Fixed, float64(r.PercentBP) / 100, r.Floor, i == len(rules)})
		}
		return e.writeJSON(out)
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
