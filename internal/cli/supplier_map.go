package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/core"
)

func runSupplierMap(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("supplier map")
	priority := fs.Int("priority", 0, "order among the variant's suppliers: lower is tried first")
	cost := fs.Int64("cost", 0, "the supplier's price for SKU, for a supplier without a price list (kind otomax): records the product first")
	pos, svc, err := e.start(ctx, fs, args, "NAME", "SKU", "VARIANT")
	if err != nil {
		return err
	}
	if *cost != 0 {
		if err := svc.SetSupplierProduct(ctx, pos[0], pos[1], *cost); err != nil {
			if fe, ok := core.IsFieldError(err); ok {
				return usagef("--%s %s", fe.Field, fe.Reason)
			}
			return err
		}
	}
	if err := svc.MapSupplierProduct(ctx, pos[0], pos[1], pos[2], *priority); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "variant %s is now fulfilled by %s's %s at priority %d\n", pos[2], pos[0], pos[1], *priority)
	return nil
}
