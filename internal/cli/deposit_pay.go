package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/ledger"
)

func runDepositPay(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("deposit pay")
	username := fs.String("reseller", "", "reseller username (required)")
	amount := fs.Int64("amount", 0, "rupiah to deposit (required); a unique tail of a few rupiah is added")
	gateway := fs.String("gateway", "", "the gateway to pay through (required; kios gateway list)")
	method := fs.String("method", "", "payment method, e.g. QRIS or BRIVA (default: the gateway's first)")
	publicURL := fs.String("public-url", e.Getenv("KIOS_PUBLIC_URL"), "where providers reach the server (env KIOS_PUBLIC_URL): callbacks and the sandbox's pay link are under it")
	asJSON := jsonFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" || *gateway == "" {
		return usagef("--reseller and --gateway are required")
	}
	if *amount <= 0 {
		return usagef("--amount must be a whole number of rupiah above 0")
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	r, err := svc.Reseller(ctx, *username)
	if err != nil {
		return named(err, *username)
	}
	res, err := svc.DepositPay(ctx, core.PayParams{Reseller: r, Amount: *amount, Gateway: *gateway, Method: *method, PublicURL: *publicURL})
	if err != nil {
		if fe, ok := core.IsFieldError(err); ok {
			return usagef("--%s %s", fe.Field, fe.Reason)
		}
		if errors.Is(err, deposit.ErrAmount) {
			return usagef("--amount: %v", err)
		}
		return err
	}
	v := core.ViewPay(res)
	if *asJSON {
		return e.writeJSON(v)
	}
	fmt.Fprintf(e.Stdout, "ticket %s: pay %s through %s", v.Ticket, ledger.FormatRupiah(v.Amount), v.Gateway)
	if v.Method != "" {
		fmt.Fprintf(e.Stdout, " (%s)", v.Method)
	}
	fmt.Fprintf(e.Stdout, " before %s\n", v.ExpiresAt)
	for _, l := range []struct{ k, v string }{{"reference", v.Reference}, {"pay code", v.PayCode}, {"QR string", v.QRString}, {"checkout", v.CheckoutURL}} {
		if l.v != "" {
			fmt.Fprintf(e.Stdout, "  %s: %s\n", l.k, l.v)
		}
	}
	return nil
}
