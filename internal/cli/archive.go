package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/sqlite"
)

// runArchive moves final orders older than a day out of the live database, while the server
// runs (docs/OPERATIONS.md, "Retention and archival").
func runArchive(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("archive")
	asJSON := jsonFlag(fs)
	before := fs.String("before", "", "archive the final orders created and settled before this Jakarta day (YYYY-MM-DD)")
	to := fs.String("to", "", "the archive file, sqlite:FILE (created, or continued)")
	drop := fs.Bool("drop", false, "give the orders up without keeping them anywhere (their postings are still checkpointed)")
	batch := fs.Int("batch", 500, "orders per batch (one write transaction each)")
	_, _, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	day, err := time.ParseInLocation("2006-01-02", *before, catalog.Jakarta)
	if err != nil {
		return &usageError{msg: fmt.Sprintf("--before %q: want a day, YYYY-MM-DD", *before)}
	}
	if (*to == "") == !*drop {
		return &usageError{msg: "give exactly one of --to sqlite:FILE and --drop"}
	}
	if *batch <= 0 {
		return &usageError{msg: "--batch must be positive"}
	}
	opt := store.ArchiveOptions{Cut: day, Drop: *drop, BatchSize: *batch, Target: store.DropArchive}
	if *to != "" {
		path, ok := strings.CutPrefix(*to, "sqlite:")
		if !ok || path == "" {
			return &usageError{msg: fmt.Sprintf("--to %q: want sqlite:FILE", *to)}
		}
		a, err := sqlite.OpenArchive(ctx, path)
		if err != nil {
			return err
		}
		defer a.Close()
		opt.Sink, opt.Target = a, *to
	}
	if !*asJSON {
		opt.Progress = func(r store.ArchiveResult) {
			if r.Batches%20 == 0 {
				fmt.Fprintf(e.Stderr, "archive: %d orders, %d postings in %d batches so far\n", r.Orders, r.Postings, r.Batches)
			}
		}
	}
	res, err := e.db.Archive(ctx, opt)
	if err != nil {
		// What committed stays committed; running the command again continues.
		return fmt.Errorf("%w (what was archived stays archived: run the command again to continue)", err)
	}
	if *asJSON {
		return e.writeJSON(struct {
			store.ArchiveResult
			Before string `json:"before"`
		}{res, *before})
	}
	fmt.Fprintf(e.Stdout, "archived %d orders (%d postings) in %d batches, final before %s, to %s\n",
		res.Orders, res.Postings, res.Batches, *before, res.Target)
	if len(res.Months) > 0 {
		fmt.Fprintf(e.Stdout, "months archived whole (their partitions detached): %v\n", res.Months)
	}
	if res.Skipped > 0 {
		fmt.Fprintf(e.Stdout, "kept %d final orders before the cut: a job still due (a callback), or postings newer than the last ledger checkpoint\n", res.Skipped)
	}
	return nil
}

// verifyArchive is kios ledger check --archive FILE.
func verifyArchive(ctx context.Context, e *Env, db *store.DB, file string, asJSON bool) error {
	path := strings.TrimPrefix(file, "sqlite:")
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("archive %s: %w", path, err)
	}
	a, err := sqlite.OpenArchive(ctx, path)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, info, pending, err := db.VerifyArchive(ctx, a.DB())
	if err != nil {
		return err
	}
	if asJSON {
		type disc struct {
			Account string `json:"account"`
			Problem string `json:"problem"`
		}
		out := struct {
			OK            bool   `json:"ok"`
			Archive       string `json:"archive"`
			Cut           string `json:"cut"`
			Accounts      int    `json:"accounts"`
			Postings      int64  `json:"postings"`
			Orders        int64  `json:"orders"`
			Pending       int64  `json:"pending"`
			Discrepancies []disc `json:"discrepancies"`
		}{rep.OK(), info.Name, jsonTime(info.Cut), rep.Accounts, rep.Postings, rep.Orders, pending, []disc{}}
		for _, d := range rep.Discrepancies {
			out.Discrepancies = append(out.Discrepancies, disc{d.Account, d.Problem})
		}
		if err := e.writeJSON(out); err != nil || rep.OK() {
			return err
		}
		return errSilent
	}
	if pending > 0 {
		fmt.Fprintf(e.Stdout, "(%d orders of an interrupted batch are in the file but still live: run kios archive again to finish it)\n", pending)
	}
	if rep.OK() {
		fmt.Fprintf(e.Stdout, "archive OK: %s, final orders before %s: %d orders, %d postings over %d accounts match the checkpoint at the cut\n",
			path, wib(info.Cut), rep.Orders, rep.Postings, rep.Accounts)
		return nil
	}
	for _, d := range rep.Discrepancies {
		fmt.Fprintf(e.Stdout, "DISCREPANCY %s\n", d)
	}
	fmt.Fprintf(e.Stderr, "archive check failed: %d discrepancies\n", len(rep.Discrepancies))
	return errSilent
}
