package cli

import (
	"context"
	"fmt"
)

func runLedgerCheck(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("ledger check")
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	rep, err := svc.LedgerCheck(ctx)
	if err != nil {
		return err
	}
	if rep.OK() {
		fmt.Fprintf(e.Stdout, "ledger OK: %d accounts, %d postings, no discrepancies\n", rep.Accounts, rep.Postings)
		return nil
	}
	for _, d := range rep.Discrepancies {
		fmt.Fprintf(e.Stdout, "DISCREPANCY %s\n", d)
	}
	fmt.Fprintf(e.Stderr, "ledger check failed: %d discrepancies in %d accounts, %d postings\n", len(rep.Discrepancies), rep.Accounts, rep.Postings)
	return errSilent
}
