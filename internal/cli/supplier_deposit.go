package cli

import (
	"context"
	"fmt"
)

func runSupplierDeposit(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("supplier deposit")
	amount := fs.Int64("amount", 0, "rupiah paid into Kios's deposit at the supplier")
	note := fs.String("note", "", "a note kept with the posting (e.g. the bank transfer's reference)")
	pos, err := parse(fs, args, "NAME")
	if err != nil {
		return err
	}
	if *amount <= 0 {
		return usagef("--amount must be a positive number of rupiah")
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	bal, err := svc.CreditSupplier(ctx, pos[0], *amount, *note)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "booked %d paid into %s; the ledger now says %d is held there\n", *amount, pos[0], bal)
	return nil
}
