package cli

import (
	"context"

	"github.com/kios-h2h/kios/internal/catalog"
)

func runCatalogExport(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("catalog export")
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	products, rows, err := loadCatalog(ctx, svc)
	if err != nil {
		return err
	}
	variants := make([]catalog.Variant, len(rows))
	for i, r := range rows {
		variants[i] = r.Variant
	}
	return catalog.WriteCSV(e.Stdout, products, variants)
}
