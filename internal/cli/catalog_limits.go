package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/kios-h2h/kios/internal/core"
)

// runCatalogLimits lists every variant's limits, shows one, or sets one's max loss.
func runCatalogLimits(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("catalog limits")
	maxLoss := fs.String("max-loss", "", "rupiah Kios may lose on one sale of VARIANT (0: never below cost); \"default\" removes the variant's own limit")
	snRequired := fs.String("sn-required", "", "whether a success for VARIANT must carry an SN (true, false); \"default\" gives it back to its kind's default (prepaid yes, postpaid no)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseAny(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("unexpected argument %q", pos[1])
	}
	if *maxLoss != "" && len(pos) == 0 {
		return usagef("--max-loss needs a VARIANT")
	}
	if *snRequired != "" && len(pos) == 0 {
		return usagef("--sn-required needs a VARIANT")
	}
	var sn *bool
	switch *snRequired {
	case "", "default":
	case "true", "false":
		v := *snRequired == "true"
		sn = &v
	default:
		return usagef("--sn-required must be true, false or default")
	}
	var set *int64
	if *maxLoss != "" && *maxLoss != "default" {
		n, err := strconv.ParseInt(*maxLoss, 10, 64)
		if err != nil || n < 0 {
			return usagef("--max-loss must be rupiah, 0 or more, or default")
		}
		set = &n
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	var out []core.VariantLimits
	switch {
	case len(pos) == 0:
		out, err = svc.AllLimits(ctx)
	case *maxLoss != "" || *snRequired != "":
		var l *core.VariantLimits
		if *maxLoss != "" {
			l, err = svc.SetLimits(ctx, pos[0], set)
		}
		if err == nil && *snRequired != "" {
			l, err = svc.SetSNRequired(ctx, pos[0], sn)
		}
		if err == nil {
			out = []core.VariantLimits{*l}
		}
	default:
		var l *core.VariantLimits
		if l, err = svc.Limits(ctx, pos[0]); err == nil {
			out = []core.VariantLimits{*l}
		}
	}
	if err != nil {
		if fe, ok := core.IsFieldError(err); ok {
			return usagef("%s", fe.Error())
		}
		return err
	}
	if *asJSON {
		if len(pos) == 1 {
			return json.NewEncoder(e.Stdout).Encode(out[0])
		}
		return json.NewEncoder(e.Stdout).Encode(out)
	}
	tw := e.table()
	fmt.Fprintln(tw, "VARIANT\tMAX-LOSS\tLOWEST-PRICE\tMAX-PRICE\tSN-REQUIRED")
	for _, l := range out {
		// The server's --max-loss is not known here: a variant without a limit of its own shows
		// "default", and its max price at no loss.
		loss := "default"
		if l.Own {
			loss = strconv.FormatInt(l.MaxLoss, 10)
		}
		sn := strconv.FormatBool(l.SNRequired)
		if !l.SNOwn {
			sn += " (default)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", l.Code, loss, l.LowestPrice, l.MaxPrice, sn)
	}
	return tw.Flush()
}
