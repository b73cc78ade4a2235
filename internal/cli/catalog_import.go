package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/catalog"
)

func runCatalogImport(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("catalog import")
	pos, err := parse(fs, args, "FILE.csv")
	if err != nil {
		return err
	}
	r, err := input(pos[0])
	if err != nil {
		return err
	}
	defer r.Close()
	products, variants, err := catalog.ReadCSV(r)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing imported)", pos[0], err)
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	if err := svc.SaveCatalog(ctx, products, variants); err != nil {
		return fmt.Errorf("%s: %w (nothing imported)", pos[0], err)
	}
	fmt.Fprintf(e.Stdout, "imported %d products and %d variants from %s\n", len(products), len(variants), pos[0])
	return nil
}
