package basstore

import (
	"net/http"
	"strconv"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect"
)

// Registration is the BASSTORE v1 dialect as the server registers it: POST /api/v1/…, its
// callback (the registry's fallback form) and its answer to each refusal.
func Registration() dialect.Dialect {
	return dialect.Dialect{
		Name:   Dialect,
		Routes: []string{"/api/v1/"},
		Handler: func(svc *core.Service, env dialect.Env) http.Handler {
			return New(svc, Options{Guard: env.Guard, Logger: env.Logger, MaxBody: env.MaxBody, CheckID: env.CheckID})
		},
		Callback: dialect.Callback{Post: CallbackPost},
		Refusal:  refusalAnswer,
		Serves:   []core.Op{core.OpOrder, core.OpStatus, core.OpCatalog},
		OpenAPI:  openAPI,
	}
}

// refusalAnswer is refusal's answer in one line; a refusal is a 4xx with a message of its own,
// never the 500 of an error nobody mapped.
func refusalAnswer(err error) (string, bool) {
	code, msg := refusal(err)
	ok := code >= 400 && code < http.StatusInternalServerError && msg != "" && msg != "Internal server error"
	return strconv.Itoa(code) + " " + msg, ok
}
