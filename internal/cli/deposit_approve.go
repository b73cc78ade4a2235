package cli

import (
	"context"
	"fmt"
)

func runDepositApprove(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("deposit approve")
	pos, svc, err := e.start(ctx, fs, args, "TICKET")
	if err != nil {
		return err
	}
	t, credited, err := svc.ApproveTicket(ctx, pos[0], "operator")
	if err != nil {
		return err
	}
	bal, err := svc.Balance(ctx, t.ResellerID)
	if err != nil {
		return err
	}
	if !credited {
		fmt.Fprintf(e.Stdout, "%s was already approved (%s); nothing credited; %s's available balance %d\n", t.Code, t.SettledBy, t.Username, bal)
		return nil
	}
	fmt.Fprintf(e.Stdout, "approved %s: credited %d to %s; available balance %d\n", t.Code, t.Amount, t.Username, bal)
	return nil
}
