package cli

import (
	"context"
	"fmt"
)

func runResellerList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("reseller list")
	asJSON := jsonFlag(fs)
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	rs, err := svc.ResellerList(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		type row struct {
			ID         int64    `json:"id"`
			Username   string   `json:"username"`
			Name       string   `json:"name"`
			Email      string   `json:"email"`
			Phone      string   `json:"phone"`
			Membership string   `json:"membership"`
			Status     string   `json:"status"`
			Balance    int64    `json:"balance"`
			Held       int64    `json:"held"`
			AllowIPs   []string `json:"allow_ips"` // empty: loopback only
			Callback   string   `json:"callback_url"`
			CreatedAt  string   `json:"created_at"`
		}
		out := []row{}
		for _, r := range rs {
			ips := []string{}
			for _, p := range r.AllowIPs {
				ips = append(ips, p.String())
			}
			out = append(out, row{r.ID, r.Username, r.Name, r.Email, r.Phone, r.Membership, string(r.Status), r.Balance, r.Held, ips,
				r.CallbackURL, jsonTime(r.CreatedAt)})
		}
		return e.writeJSON(out)
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
