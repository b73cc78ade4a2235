package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kios-h2h/kios/internal/upstream/pull"
)

func runSupplierList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("supplier list")
	refresh := fs.Bool("refresh", false, "fetch each enabled supplier's balance first")
	asJSON := jsonFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	svc, rt, err := e.router(ctx)
	if err != nil {
		return err
	}
	sups, err := svc.Suppliers(ctx)
	if err != nil {
		return err
	}
	if *refresh {
		for _, s := range sups {
			if !s.Enabled {
				continue
			}
			if _, err := pull.Balance(ctx, svc, rt, s.Name); err != nil {
				fmt.Fprintf(e.Stderr, "kios supplier list: %s: %v\n", s.Name, err)
			}
		}
		if sups, err = svc.Suppliers(ctx); err != nil {
			return err
		}
	}
	if *asJSON {
		// Credentials are never printed: only whether they are set.
		type row struct {
			Name        string `json:"name"`
			Kind        string `json:"kind"`
			BaseURL     string `json:"base_url"`
			Enabled     bool   `json:"enabled"`
			Credentials bool   `json:"credentials"`
			Balance     int64  `json:"balance"`
			BalanceAt   string `json:"balance_at"`
			Ledger      int64  `json:"ledger"`
			// Bounds of the requests sent to it: in flight at once, per second (0: none).
			MaxInflight int     `json:"max_inflight"`
			Rate        float64 `json:"rate"`
			// An otomax supplier's own reply patterns (absent: the defaults).
			ReplyPatterns json.RawMessage `json:"reply_patterns,omitempty"`
		}
		out := []row{}
		for _, s := range sups {
			books, err := svc.SupplierLedgerBalance(ctx, &s)
			if err != nil {
				return err
			}
			r := row{s.Name, s.Kind, s.BaseURL, s.Enabled, s.Token != "" || s.APIKey != "", s.Balance, jsonTime(s.BalanceAt), books, s.MaxInflight, s.Rate, nil}
			if s.ReplyPatterns != "" {
				r.ReplyPatterns = json.RawMessage(s.ReplyPatterns)
			}
			out = append(out, r)
		}
		return e.writeJSON(out)
	}
	tw := e.table()
	// Credentials are never printed: only whether they are set.
	// BALANCE is what the supplier last reported; LEDGER what Kios's books say is there (top-ups
	// less costs). They differ by what the books do not know of yet.
	fmt.Fprintln(tw, "NAME\tKIND\tBASE URL\tENABLED\tCREDENTIALS\tBALANCE\tBALANCE AT\tLEDGER")
	for _, s := range sups {
		creds := "none"
		if s.Token != "" || s.APIKey != "" {
			creds = "set"
		}
		at := "never"
		if !s.BalanceAt.IsZero() {
			at = wib(s.BalanceAt)
		}
		books, err := svc.SupplierLedgerBalance(ctx, &s)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\t%d\t%s\t%d\n", s.Name, s.Kind, s.BaseURL, s.Enabled, creds, s.Balance, at, books)
	}
	return tw.Flush()
}
