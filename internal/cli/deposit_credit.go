package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/core"
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
	ref := fs.String("ref", "", "a reference of yours (e.g. the bank transfer's): run again with it, nothing moves twice")
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
	verb, prep := "debited", "from"
	if credit {
		verb, prep = "credited", "to"
	}
	res, err := svc.MoveDeposit(ctx, core.DepositMove{Username: *username, Amount: *amount, Note: *note, Debit: !credit, Reference: *ref})
	if err != nil {
		return named(err, *username)
	}
	if res.Repeated {
		fmt.Fprintf(e.Stdout, "already %s %d %s %s under reference %s: nothing moved; available balance %d\n", verb, *amount, prep, *username, *ref, res.Balance)
		return nil
	}
	fmt.Fprintf(e.Stdout, "%s %d %s %s; available balance %d\n", verb, *amount, prep, *username, res.Balance)
	return nil
}
