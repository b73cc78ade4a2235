package otomax

import (
	"net/http"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect"
	"github.com/kios-h2h/kios/internal/textcmd"
)

// Registration is the Otomax/IRS "via IP" dialect as the server registers it: GET /otomax/trx and
// /otomax/balance answered in one line of text, its report-back by GET (ReportURL) in place of a
// POST, and the text channels' reason for each refusal.
func Registration() dialect.Dialect {
	return dialect.Dialect{
		Name:   Dialect,
		Routes: []string{Prefix + "/"},
		Handler: func(svc *core.Service, env dialect.Env) http.Handler {
			return New(svc, Options{Guard: env.Guard, Logger: env.Logger})
		},
		Callback: dialect.Callback{Get: ReportURL},
		Refusal: func(err error) (string, bool) {
			why := textcmd.RefusalReason(err, "S5", "081234567890")
			return why, why != ""
		},
		OpenAPI: openAPI,
	}
}
