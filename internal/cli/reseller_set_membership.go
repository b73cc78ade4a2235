package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/core"
)

func runResellerSetMembership(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("reseller set-membership")
	pos, svc, err := e.start(ctx, fs, args, "USERNAME", "TIER")
	if err != nil {
		return err
	}
	if err := svc.SetMembership(ctx, pos[0], pos[1]); err != nil {
		if fe, ok := core.IsFieldError(err); ok {
			return usagef("%s %s", fe.Field, fe.Reason)
		}
		return named(err, pos[0])
	}
	fmt.Fprintf(e.Stdout, "%s now buys at the prices of tier %s\n", pos[0], pos[1])
	return nil
}
