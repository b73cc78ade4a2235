package cli

import (
	"context"
	"fmt"
)

func runSupplierEnable(ctx context.Context, e *Env, args []string) error {
	return setSupplierEnabled(ctx, e, "supplier enable", args, true)
}

func runSupplierDisable(ctx context.Context, e *Env, args []string) error {
	return setSupplierEnabled(ctx, e, "supplier disable", args, false)
}

func setSupplierEnabled(ctx context.Context, e *Env, name string, args []string, enabled bool) error {
	fs := e.flags(name)
	pos, svc, err := e.start(ctx, fs, args, "NAME")
	if err != nil {
		return err
	}
	if err := svc.SetSupplierEnabled(ctx, pos[0], enabled); err != nil {
		return err
	}
	if enabled {
		fmt.Fprintf(e.Stdout, "supplier %s enabled: new orders may go to it\n", pos[0])
	} else {
		fmt.Fprintf(e.Stdout, "supplier %s disabled: no new orders go to it; orders already sent are still asked after\n", pos[0])
	}
	return nil
}
