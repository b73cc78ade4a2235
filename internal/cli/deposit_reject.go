package cli

import (
	"context"
	"fmt"
)

func runDepositReject(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("deposit reject")
	pos, svc, err := e.start(ctx, fs, args, "TICKET")
	if err != nil {
		return err
	}
	t, err := svc.RejectTicket(ctx, pos[0], "operator")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "rejected %s (%s, %d); nothing credited\n", t.Code, t.Username, t.Amount)
	return nil
}
