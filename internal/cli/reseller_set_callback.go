package cli

import (
	"context"
	"fmt"
	"net/url"
)

func runResellerSetCallback(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("reseller set-callback")
	pos, err := parse(fs, args, "USERNAME", "URL")
	if err != nil {
		return err
	}
	if pos[1] != "" && pos[1] != "-" {
		u, err := url.Parse(pos[1])
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("URL must be an http or https URL (or - to remove it)")
		}
	} else {
		pos[1] = ""
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	if err := svc.SetCallback(ctx, pos[0], pos[1]); err != nil {
		return err
	}
	if pos[1] == "" {
		fmt.Fprintf(e.Stdout, "%s: callbacks off\n", pos[0])
	} else {
		fmt.Fprintf(e.Stdout, "%s: final orders are now POSTed to %s, signed with its api key\n", pos[0], pos[1])
	}
	return nil
}
