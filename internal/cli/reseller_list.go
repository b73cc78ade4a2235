package cli

import (
	"context"
	"fmt"
)

func runResellerList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("reseller list")
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	rs, err := svc.DB().ResellerList(ctx)
	if err != nil {
		return err
	}
	tw := e.table()
	fmt.Fprintln(tw, "USERNAME\tNAME\tTIER\tSTATUS\tBALANCE\tHELD\tALLOWED IPS")
	for _, r := range rs {
		ips := prefixes(r.AllowIPs).String()
		if ips == "" {
			ips = "loopback only"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", r.Username, r.Name, r.Membership, r.Status, r.Balance, r.Held, ips)
	}
	return tw.Flush()
}
