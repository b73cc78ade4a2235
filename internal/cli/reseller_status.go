package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/reseller"
)

func runResellerSuspend(ctx context.Context, e *Env, args []string) error {
	return setResellerStatus(ctx, e, "reseller suspend", args, reseller.Suspended)
}

func runResellerResume(ctx context.Context, e *Env, args []string) error {
	return setResellerStatus(ctx, e, "reseller resume", args, reseller.Active)
}

func setResellerStatus(ctx context.Context, e *Env, name string, args []string, st reseller.Status) error {
	fs := e.flags(name)
	pos, svc, err := e.start(ctx, fs, args, "USERNAME")
	if err != nil {
		return err
	}
	if err := svc.SetStatus(ctx, pos[0], st); err != nil {
		return named(err, pos[0])
	}
	fmt.Fprintf(e.Stdout, "%s is now %s\n", pos[0], st)
	return nil
}
