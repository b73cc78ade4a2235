package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/kios-h2h/kios/internal/core"
)

// runResellerSetSlots splits a hot reseller's balance into balance slots, so that several write
// loops take its orders at once (docs/ARCHITECTURE.md, "One hot reseller"); 0 undoes the split.
func runResellerSetSlots(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("reseller set-slots")
	pos, svc, err := e.start(ctx, fs, args, "USERNAME", "N")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(pos[1])
	if err != nil {
		return usagef("N must be a whole number, got %q", pos[1])
	}
	if err := svc.SetBalanceSlots(ctx, pos[0], n); err != nil {
		if fe, ok := core.IsFieldError(err); ok {
			return usagef("%s %s", fe.Field, fe.Reason)
		}
		return named(err, pos[0])
	}
	if n == 0 {
		fmt.Fprintf(e.Stdout, "%s: balance in one piece again (no slots)\n", pos[0])
		return nil
	}
	fmt.Fprintf(e.Stdout, "%s: balance split into %d slots\n", pos[0], n)
	return nil
}
