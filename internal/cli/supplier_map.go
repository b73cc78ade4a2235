package cli

import (
	"context"
	"fmt"
)

func runSupplierMap(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("supplier map")
	priority := fs.Int("priority", 0, "order among the variant's suppliers: lower is tried first")
	pos, svc, err := e.start(ctx, fs, args, "NAME", "SKU", "VARIANT")
	if err != nil {
		return err
	}
	if err := svc.MapSupplierProduct(ctx, pos[0], pos[1], pos[2], *priority); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "variant %s is now fulfilled by %s's %s at priority %d\n", pos[2], pos[0], pos[1], *priority)
	return nil
}
