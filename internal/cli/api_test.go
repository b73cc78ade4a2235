package cli

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/openapitest"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
	"github.com/kios-h2h/kios/internal/web"
)

// Every command names the admin API endpoint that does the same, and the admin listener serves
// it: a command added without an endpoint (or with one the API does not have) fails here.
func TestEveryCommandHasAnEndpoint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Backends()[0].Open(t)
	svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	as := admin.NewService(svc, admin.Options{BcryptCost: bcrypt.MinCost})
	pw, err := as.CreateAdmin(ctx, admin.Actor{Name: "test"}, "boss")
	if err != nil {
		t.Fatal(err)
	}
	_, id, err := as.Login(ctx, "boss", pw, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := as.CreateToken(ctx, id, "127.0.0.1", "walk")
	if err != nil {
		t.Fatal(err)
	}
	// Every call of the walk and its answer are checked against the admin API's description, so
	// an endpoint a command names is described there as it answers.
	spec := openapitest.New(t, web.OpenAPI())
	srv := httptest.NewServer(spec.Handler(t, "/admin/api/", web.New(svc, web.Options{Admin: admin.Options{BcryptCost: bcrypt.MinCost}})))
	defer srv.Close()

	// The endpoints that take a body other than JSON, as the commands send it.
	bodyType := map[string]string{"deposit match": "text/csv"}
	placeholder := regexp.MustCompile(`\{[a-z]+\}`)
	seen := map[string]bool{}
	for _, c := range commands() {
		seen[c.name] = true
		ep, hasAPI := adminAPI[c.name]
		_, local := localOnly[c.name]
		switch {
		case hasAPI && local:
			t.Errorf("%s: both an endpoint and local only", c.name)
			continue
		case !hasAPI && !local:
			t.Errorf("kios %s has no admin API endpoint: add one (internal/web) and name it in adminAPI", c.name)
			continue
		case local:
			continue
		}
		method, path, ok := strings.Cut(ep, " ")
		if !ok || !strings.HasPrefix(path, "/admin/api/") {
			t.Errorf("%s: endpoint %q is not METHOD /admin/api/…", c.name, ep)
			continue
		}
		// An unknown name makes the handler answer 404 for the missing thing, or 400 for the
		// empty body; a path the API does not serve answers "no such …".
		path = placeholder.ReplaceAllString(path, "nobody")
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader("{}"))
		req.Header.Set("Authorization", "Bearer "+tok)
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/json")
			if ct, ok := bodyType[c.name]; ok {
				req.Header.Set("Content-Type", ct)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusMethodNotAllowed || strings.Contains(string(body), `"no such`) ||
			resp.StatusCode == http.StatusUnauthorized || resp.StatusCode >= 500 && resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("kios %s: %s answers %d %s", c.name, ep, resp.StatusCode, body)
		}
	}
	for name := range adminAPI {
		if !seen[name] {
			t.Errorf("adminAPI names %q, which is no command", name)
		}
	}
	for name := range localOnly {
		if !seen[name] {
			t.Errorf("localOnly names %q, which is no command", name)
		}
	}
}
