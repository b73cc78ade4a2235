package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/reseller"
)

func runResellerDenyIP(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("reseller deny-ip")
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
	if err := svc.DenyIP(ctx, pos[0], p); err != nil {
		return named(err, pos[0])
	}
	r, err := svc.Reseller(ctx, pos[0])
	if err != nil {
		return err
	}
	allowed := prefixes(r.AllowIPs).String()
	if allowed == "" {
		allowed = "this machine only (loopback)"
	}
	fmt.Fprintf(e.Stdout, "%s may no longer call from %s (allowed: %s)\n", r.Username, p, allowed)
	return nil
}
