package cli

import "context"

// runDepositDebit takes money back from a reseller, refusing to leave its balance negative.
func runDepositDebit(ctx context.Context, e *Env, args []string) error {
	return moveDeposit(ctx, e, "deposit debit", args, false)
}
