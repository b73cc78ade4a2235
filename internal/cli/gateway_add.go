package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/payment"
)

func runGatewayAdd(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("gateway add")
	var g core.NewGateway
	fs.StringVar(&g.Name, "name", "", "the gateway's name in Kios (lower case; its callbacks come to /callback/payment/NAME)")
	fs.StringVar(&g.Kind, "kind", "", "the provider: "+strings.Join(payment.Kinds, ", "))
	fs.StringVar(&g.BaseURL, "base-url", "", "the provider's API base URL (sandbox and production hosts differ; docs/PAYMENTS.md)")
	fs.StringVar(&g.MerchantCode, "merchant-code", "", "merchant code (tripay, duitku)")
	fs.StringVar(&g.APIKey, "api-key", "", "API key (tripay, duitku), secret key (xendit)")
	fs.StringVar(&g.PrivateKey, "private-key", "", "private key signing requests and callbacks (tripay; sandbox: random when not given)")
	fs.StringVar(&g.ServerKey, "server-key", "", "server key (midtrans)")
	fs.StringVar(&g.CallbackToken, "callback-token", "", "callback verification token (xendit)")
	fs.StringVar(&g.Secret, "secret", "", "webhook signing secret (moota)")
	methods := fs.String("methods", "", "payment methods offered, comma-separated, the first the default (e.g. QRIS,BRIVA)")
	fs.StringVar(&g.FeePolicy, "fee-policy", "distributor", "who pays the gateway's fee: distributor (posted from deposits) or reseller (out of its credit)")
	asJSON := jsonFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if g.Name == "" || g.Kind == "" {
		return usagef("--name and --kind are required")
	}
	if *methods != "" {
		g.Methods = strings.Split(*methods, ",")
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	added, err := svc.AddGateway(ctx, g)
	if err != nil {
		if fe, ok := core.IsFieldError(err); ok {
			return usagef("--%s %s", strings.ReplaceAll(fe.Field, "_", "-"), fe.Reason)
		}
		return err
	}
	if *asJSON {
		return e.writeJSON(core.ViewGateway(added))
	}
	fmt.Fprintf(e.Stdout, "gateway %s (%s) added and enabled; its callbacks go to {public URL}/callback/payment/%s\n", added.Name, added.Kind, added.Name)
	return nil
}
