package cli

import (
	"context"
	"fmt"
)

func runDepositCredit(ctx context.Context, e *Env, args []string) error {
	return moveDeposit(ctx, e, "deposit credit", args, true)
}

// moveDeposit is deposit credit and deposit debit: the same flags, opposite directions.
func moveDeposit(ctx context.Context, e *Env, name string, args []string, credit bool) error {
	fs := e.flags(name)
	username := fs.String("reseller", "", "reseller username (required)")
	amount := fs.Int64("amount", 0, "rupiah, a whole number above 0 (required)")
	note := fs.String("note", "", "why, kept on the ledger posting")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" {
		return usagef("--reseller is required")
	}
	if *amount <= 0 {
		return usagef("--amount must be a whole number of rupiah above 0")
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	move, verb, prep := svc.Debit, "debited", "from"
	if credit {
		move, verb, prep = svc.Credit, "credited", "to"
	}
	bal, err := move(ctx, *username, *amount, *note)
	if err != nil {
		return named(err, *username)
	}
	fmt.Fprintf(e.Stdout, "%s %d %s %s; available balance %d\n", verb, *amount, prep, *username, bal)
	return nil
}
