package cli

import (
	"context"
	"fmt"
	"strings"
)

func runCatalogRequireValidID(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("catalog require-valid-id")
	pos, err := parseAny(fs, args)
	if err != nil {
		return err
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	switch len(pos) {
	case 0:
		list, err := svc.ProductsRequiringValidID(ctx)
		if err != nil {
			return err
		}
		for _, p := range list {
			fmt.Fprintln(e.Stdout, p)
		}
		return nil
	case 2:
	default:
		return usagef("want PRODUCT on|off, or nothing to list")
	}
	var on bool
	switch strings.ToLower(pos[1]) {
	case "on", "true", "yes":
		on = true
	case "off", "false", "no":
	default:
		return usagef("want on or off, not %q", pos[1])
	}
	if err := svc.SetRequireValidID(ctx, pos[0], on); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s: require_valid_id %v\n", pos[0], on)
	return nil
}
