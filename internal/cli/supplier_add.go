package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/supplier"
)

func runSupplierAdd(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("supplier add")
	var n core.NewSupplier
	fs.StringVar(&n.Name, "name", "", "the supplier's name in Kios (lower case; its callbacks come to /callback/NAME)")
	fs.StringVar(&n.Kind, "kind", "", "the dialect to buy in: basstore, digiswitch, digiflazz, otomax or simulator")
	fs.StringVar(&n.BaseURL, "base-url", "", "the supplier's API base URL, e.g. https://h2h.example.com")
	fs.StringVar(&n.Token, "token", "", "bearer token (basstore)")
	fs.StringVar(&n.Username, "username", "", "username (digiswitch, digiflazz)")
	fs.StringVar(&n.APIKey, "api-key", "", "api key (digiswitch, digiflazz; basstore: the key its callbacks are signed with, which a Kios upstream issues with the token)")
	fs.StringVar(&n.CallbackSecret, "callback-secret", "", "key the supplier signs its callbacks with (default: the api key, else the token)")
	fs.IntVar(&n.MaxInflight, "max-inflight", 0, "most requests in flight to it at once; beyond, orders wait in the queue (default 1000)")
	fs.Var((*rateFlag)(&n.Rate), "rate", "most requests per second to it, e.g. 50/s (default: no limit)")
	var memberID, pin, password string
	fs.StringVar(&memberID, "member-id", "", "memberID at the center (otomax)")
	fs.StringVar(&pin, "pin", "", "PIN at the center (otomax)")
	fs.StringVar(&password, "password", "", "password at the center (otomax)")
	var pf patternFlags
	pf.register(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if n.Kind == supplier.KindOtomax {
		n.Username, n.Token, n.APIKey = first(memberID, n.Username), first(pin, n.Token), first(password, n.APIKey)
		n.ReplyPatterns = pf.json()
	} else if memberID != "" || pin != "" || password != "" || pf.json() != "" {
		return usagef("--member-id, --pin, --password and the --*-pattern flags are for --kind otomax")
	}
	if n.Name == "" || n.Kind == "" {
		return usagef("--name and --kind are required")
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	s, err := svc.AddSupplier(ctx, n)
	if err != nil {
		if fe, ok := core.IsFieldError(err); ok {
			return usagef("--%s %s", fe.Field, fe.Reason)
		}
		return err
	}
	fmt.Fprintf(e.Stdout, "supplier %s (%s) added and enabled; its callbacks go to /callback/%s\n", s.Name, s.Kind, s.Name)
	if s.Kind == supplier.KindOtomax {
		// The report-back has no signature: the key in the URL is what proves it. Shown once.
		fmt.Fprintf(e.Stdout, "give the center this report-back URL (shown only now): <kios public URL>/callback/%s?key=%s\n", s.Name, s.CallbackSecret)
	}
	if n.Kind == supplier.KindBasstore && n.APIKey == "" && n.CallbackSecret == "" {
		// A Kios upstream signs BASSTORE callbacks with the api key, never the token (which it
		// keeps only hashed): without it they are refused, and orders settle by polling alone.
		fmt.Fprintf(e.Stdout, "note: no --api-key: callbacks from %s are checked against the token; a Kios upstream signs them with the api key it issued with the token, so add the supplier with --api-key for them to be accepted\n", s.Name)
	}
	fmt.Fprintf(e.Stdout, "next: kios catalog sync --supplier %s\n", s.Name)
	return nil
}
