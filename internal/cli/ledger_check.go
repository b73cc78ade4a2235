package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
)

func runLedgerCheck(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("ledger check")
	asJSON := jsonFlag(fs)
	full := fs.Bool("full", false, "verify the whole history, not only what came after the last checkpoint")
	archive := fs.String("archive", "", "verify an archive file (kios archive --to) against the checkpoint at its cut, instead")
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	if *archive != "" {
		return verifyArchive(ctx, e, e.db, *archive, *asJSON)
	}
	// The CLI verifies from the checkpoint the server saved and saves none: a command that
	// checks writes nothing.
	res, err := svc.LedgerCheckFrom(ctx, *full, false)
	if err != nil {
		return err
	}
	rep := res.Report
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
			// Mode is "full" or "incremental"; Since is the checkpoint an incremental check
			// started from; TookMS how long it took.
			Mode   string     `json:"mode"`
			Since  *time.Time `json:"since,omitempty"`
			TookMS int64      `json:"took_ms"`
		}{OK: rep.OK(), Accounts: rep.Accounts, Postings: rep.Postings, Orders: rep.Orders, Discrepancies: []disc{},
			Mode: res.Mode, TookMS: res.Took.Milliseconds()}
		if !res.Since.IsZero() {
			since := res.Since.In(catalog.Jakarta)
			out.Since = &since
		}
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
		if res.Mode == "incremental" {
			fmt.Fprintf(e.Stdout, "(incremental: %d orders checked since the checkpoint of %s, in %s; --full checks the whole history)\n",
				rep.Orders, wib(res.Since), res.Took.Round(time.Millisecond))
		}
		return nil
	}
	for _, d := range rep.Discrepancies {
		fmt.Fprintf(e.Stdout, "DISCREPANCY %s\n", d)
	}
	fmt.Fprintf(e.Stderr, "ledger check failed: %d discrepancies in %d accounts, %d postings\n", len(rep.Discrepancies), rep.Accounts, rep.Postings)
	return errSilent
}
