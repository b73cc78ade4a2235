package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/upstream/pull"
)

func runCatalogSync(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("catalog sync")
	only := fs.String("supplier", "", "sync only this supplier (default: every enabled one)")
	kind := fs.String("kind", "", `only this kind of list, "prepaid" or "postpaid" (default: every kind): against an upstream that allows one full list per 5 minutes, sync the other kind later`)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *kind != "" && *kind != "prepaid" && *kind != "postpaid" {
		return usagef("--kind must be prepaid or postpaid")
	}
	svc, rt, err := e.router(ctx)
	if err != nil {
		return err
	}
	sups, err := svc.Suppliers(ctx)
	if err != nil {
		return err
	}
	failed := false
	synced := 0
	for _, s := range sups {
		if (*only != "" && s.Name != *only) || (*only == "" && !s.Enabled) {
			continue
		}
		synced++
		var progress core.SyncProgress
		if isTerminal(e.Stderr) {
			progress = progressBar(e.Stderr, s.Name)
		}
		rep, err := pull.CatalogKind(ctx, svc, rt, s.Name, *kind, progress)
		if err != nil {
			fmt.Fprintf(e.Stderr, "kios catalog sync: %v\n", err)
			failed = true
			continue
		}
		fmt.Fprintf(e.Stdout, "%s: %d products, %d new, %d cost changes, %d variants created, %d prices changed\n",
			s.Name, rep.Items, rep.New, rep.CostChanged, rep.VariantsCreated, rep.PricesChanged)
		if bal, err := pull.Balance(ctx, svc, rt, s.Name); err == nil {
			fmt.Fprintf(e.Stdout, "%s: balance %d\n", s.Name, bal)
		}
	}
	if *only != "" && synced == 0 {
		return fmt.Errorf("supplier %s is not registered", *only)
	}
	if failed {
		return errSilent
	}
	return nil
}
