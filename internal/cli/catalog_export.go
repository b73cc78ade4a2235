package cli

import (
	"context"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/store"
)

func runCatalogExport(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("catalog export")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	products, err := svc.Products(ctx)
	if err != nil {
		return err
	}
	rows, err := svc.Variants(ctx, store.VariantFilter{})
	if err != nil {
		return err
	}
	variants := make([]catalog.Variant, len(rows))
	for i, r := range rows {
		variants[i] = r.Variant
	}
	return catalog.WriteCSV(e.Stdout, products, variants)
}
