package digiflazz

import (
	"net/http"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
)

// Registration is the Digiflazz buyer API dialect as the server registers it: /v1/<endpoint> (the
// more specific /v1/user/api/ stays the Digiswitch dialect's), Digiflazz's own webhook and its
// answer (rc and words, from flazzserver's one table) to each refusal. The seller name and the bank
// accounts are the operator's settings, read at each use; the full price list's limit is the
// server's, as Digiswitch's is (one rule for the family).
func Registration() dialect.Dialect {
	return dialect.Dialect{
		Name:   Dialect,
		Routes: []string{"/v1/"},
		Handler: func(svc *core.Service, env dialect.Env) http.Handler {
			return New(svc, Options{Guard: env.Guard, Logger: env.Logger, MaxBody: env.MaxBody, Seller: svc, Banks: svc,
				FullPriceListEvery: env.PriceListEvery})
		},
		Callback: dialect.Callback{Post: CallbackPost},
		Refusal: func(err error) (string, bool) {
			ref, ok := flazzserver.RefusalOf(err)
			return "rc " + ref.RC + " " + ref.Digiflazz, ok && ref.RC != "" && ref.Digiflazz != ""
		},
		Serves:  []core.Op{core.OpOrder, core.OpStatus, core.OpBill, core.OpDeposit},
		OpenAPI: openAPI,
	}
}
