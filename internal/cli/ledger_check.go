package cli

import (
	"context"
	"fmt"
)

func runLedgerCheck(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("ledger check")
	asJSON := jsonFlag(fs)
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	rep, err := svc.LedgerCheck(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		type disc struct {
			Account string `json:"account"`
			Problem string `json:"problem"`
		}
		out := struct {
			OK            bool   `json:"ok"`
			Accounts      int    `json:"accounts"`
			Postings      int64  `json:"postings"`
			Orders        int64  `json:"orders"`
			Discrepancies []disc `json:"discrepancies"`
		}{rep.OK(), rep.Accounts, rep.Postings, rep.Orders, []disc{}}
		for _, d := range rep.Discrepancies {
			out.Discrepancies = append(out.Discrepancies, disc{d.Account, d.Problem})
		}
		if err := e.writeJSON(out); err != nil || rep.OK() {
			return err
		}
		return errSilent // exit 1, as without --json
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
