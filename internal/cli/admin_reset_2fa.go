package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/admin"
)

func runAdminReset2FA(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("admin reset-2fa")
	pos, svc, err := e.start(ctx, fs, args, "USERNAME")
	if err != nil {
		return err
	}
	if err := admin.NewService(svc, admin.Options{}).ResetTwoFactor(ctx, admin.Actor{Name: cliActor()}, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Two-factor login of %s is off; it signs in with its password alone until it turns it on again.\n", pos[0])
	return nil
}
