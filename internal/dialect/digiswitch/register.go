package digiswitch

import (
	"net/http"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
)

// Registration is the Digiswitch H2H dialect as the server registers it: POST /v1/user/api/…,
// its signed callback and its answer (rc and words, from flazzserver's one table) to each refusal.
func Registration() dialect.Dialect {
	return dialect.Dialect{
		Name:   Dialect,
		Routes: []string{"/v1/user/api/"},
		Handler: func(svc *core.Service, env dialect.Env) http.Handler {
			return New(svc, Options{Guard: env.Guard, Logger: env.Logger, MaxBody: env.MaxBody, PriceListEvery: env.PriceListEvery})
		},
		Callback: dialect.Callback{Post: CallbackPost},
		Refusal: func(err error) (string, bool) {
			ref, ok := flazzserver.RefusalOf(err)
			return "rc " + ref.RC + " " + ref.Digiswitch, ok && ref.RC != "" && ref.Digiswitch != ""
		},
		Serves:  []core.Op{core.OpOrder, core.OpStatus, core.OpBill, core.OpDeposit},
		OpenAPI: openAPI,
	}
}
