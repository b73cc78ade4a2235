package cli

import (
	"context"
	"fmt"
)

func runDepositMatch(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("deposit match")
	pos, err := parse(fs, args, "STATEMENT.csv")
	if err != nil {
		return err
	}
	r, err := input(pos[0])
	if err != nil {
		return err
	}
	defer r.Close()
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	rep, err := svc.MatchStatement(ctx, r)
	if err != nil {
		return err
	}
	tw := e.table()
	fmt.Fprintln(tw, "LINE\tDATE\tAMOUNT\tOUTCOME\tTICKET\tRESELLER\tDESCRIPTION")
	var credited int64
	for _, m := range rep.Approved {
		credited += m.Ticket.Amount
		fmt.Fprintf(tw, "%d\t%s\t%d\tapproved\t%s\t%s\t%s\n", m.Line.N, m.Line.Date, m.Line.Amount, m.Ticket.Code, m.Ticket.Username, m.Line.Description)
	}
	for _, m := range rep.Rest {
		code, user := "-", "-"
		if m.Ticket != nil {
			code, user = m.Ticket.Code, m.Ticket.Username
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\t%s\n", m.Line.N, m.Line.Date, m.Line.Amount, m.Reason, code, user, m.Line.Description)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "\n%d ticket(s) approved, %d credited; %d line(s) matched nothing new\n", len(rep.Approved), credited, len(rep.Rest))
	return nil
}
