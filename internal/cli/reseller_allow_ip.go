package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/reseller"
)

func runResellerAllowIP(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("reseller allow-ip")
	pos, err := parse(fs, args, "USERNAME", "CIDR")
	if err != nil {
		return err
	}
	p, err := reseller.ParsePrefix(pos[1])
	if err != nil {
		return usagef("%v", err)
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	if err := svc.AllowIP(ctx, pos[0], p); err != nil {
		return named(err, pos[0])
	}
	r, err := svc.Reseller(ctx, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s may now call from %s (allowed: %s)\n", r.Username, p, prefixes(r.AllowIPs).String())
	return nil
}
