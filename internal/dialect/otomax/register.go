package otomax

import (
	"net/http"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect"
)

// Registration is the Otomax/IRS "via IP" dialect as the server registers it: GET /otomax/trx and
// /otomax/balance answered in one line of text, its report-back by GET (ReportURL) in place of a
// POST, and its reason for each refusal (the text channels', but for a second order of the day).
func Registration() dialect.Dialect {
	return dialect.Dialect{
		Name:   Dialect,
		Routes: []string{Prefix + "/"},
		Handler: func(svc *core.Service, env dialect.Env) http.Handler {
			return New(svc, Options{Guard: env.Guard, Logger: env.Logger})
		},
		Callback: dialect.Callback{Get: ReportURL},
		Refusal: func(err error) (string, bool) {
			why := refusalReason(err, "S5", "S5", "081234567890")
			return why, why != ""
		},
		Serves:  []core.Op{core.OpOrder},
		OpenAPI: openAPI,
	}
}
