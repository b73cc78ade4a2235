package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/admin"
)

func runAdminResetPassword(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("admin reset-password")
	asJSON := fs.Bool("json", false, "print one JSON object")
	pos, svc, err := e.start(ctx, fs, args, "USERNAME")
	if err != nil {
		return err
	}
	pw, err := admin.NewService(svc, admin.Options{}).ResetPassword(ctx, admin.Actor{Name: cliActor()}, pos[0])
	if err != nil {
		return err
	}
	return e.showAdminPassword(*asJSON, pos[0], pw, "Admin %s has a new password (shown once): %s\nIts sessions have ended.\n")
}

func runAdminDisable(ctx context.Context, e *Env, args []string) error {
	return setAdminDisabled(ctx, e, "admin disable", args, true)
}

func runAdminEnable(ctx context.Context, e *Env, args []string) error {
	return setAdminDisabled(ctx, e, "admin enable", args, false)
}

func setAdminDisabled(ctx context.Context, e *Env, name string, args []string, disabled bool) error {
	fs := e.flags(name)
	pos, svc, err := e.start(ctx, fs, args, "USERNAME")
	if err != nil {
		return err
	}
	if err := admin.NewService(svc, admin.Options{}).SetDisabled(ctx, admin.Actor{Name: cliActor()}, "", pos[0], disabled); err != nil {
		return err
	}
	if disabled {
		fmt.Fprintf(e.Stdout, "admin %s disabled: its sessions have ended and its API tokens no longer work\n", pos[0])
	} else {
		fmt.Fprintf(e.Stdout, "admin %s enabled: it may sign in again and its API tokens work again\n", pos[0])
	}
	return nil
}
