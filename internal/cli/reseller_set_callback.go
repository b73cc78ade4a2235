package cli

import (
	"context"
	"fmt"
	"net/url"

	"github.com/kios-h2h/kios/internal/callbackurl"
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
		// The CLI cannot know whether the server runs with --callback-allow-private: an address
		// only that flag opens is accepted with a warning, any other special one refused.
		if err := callbackurl.Check(pos[1], true); err != nil {
			return usagef("URL refused: %v", err)
		}
		if a, ok := callbackurl.HostAddr(u.Hostname()); ok && callbackurl.Internal(a) {
			fmt.Fprintf(e.Stderr, "kios reseller set-callback: warning: %s is not a public address; callbacks reach it only while kios serve runs with --callback-allow-private\n", a)
		}
	} else {
		pos[1] = ""
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	if err := svc.SetCallback(ctx, pos[0], pos[1]); err != nil {
		return named(err, pos[0])
	}
	if pos[1] == "" {
		fmt.Fprintf(e.Stdout, "%s: callbacks off\n", pos[0])
	} else {
		fmt.Fprintf(e.Stdout, "%s: final orders are now POSTed to %s, signed with its api key\n", sanitize(pos[0]), callbackurl.Redact(pos[1]))
	}
	return nil
}
