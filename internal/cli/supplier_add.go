package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/core"
)

func runSupplierAdd(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("supplier add")
	var n core.NewSupplier
	fs.StringVar(&n.Name, "name", "", "the supplier's name in Kios (lower case; its callbacks come to /callback/NAME)")
	fs.StringVar(&n.Kind, "kind", "", "the dialect to buy in: basstore, digiswitch, digiflazz or simulator")
	fs.StringVar(&n.BaseURL, "base-url", "", "the supplier's API base URL, e.g. https://h2h.example.com")
	fs.StringVar(&n.Token, "token", "", "bearer token (basstore)")
	fs.StringVar(&n.Username, "username", "", "username (digiswitch, digiflazz)")
	fs.StringVar(&n.APIKey, "api-key", "", "api key (digiswitch, digiflazz)")
	fs.StringVar(&n.CallbackSecret, "callback-secret", "", "key the supplier signs its callbacks with (default: the api key, else the token)")
	if _, err := parse(fs, args); err != nil {
		return err
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
	fmt.Fprintf(e.Stdout, "next: kios catalog sync --supplier %s\n", s.Name)
	return nil
}
