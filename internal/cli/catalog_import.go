package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/kios-h2h/kios/internal/catalog"
)

func runCatalogImport(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("catalog import")
	pos, err := parse(fs, args, "FILE.csv")
	if err != nil {
		return err
	}
	var r io.Reader
	if pos[0] == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
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
