package checkid_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	bsclient "github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/checkid"
	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestUpstreamKios: a Kios downstream of a Kios asks the upstream's own POST /api/v1/check-id
// (the real BASSTORE dialect over the simulator's checks): a valid ID with the upstream's
// nickname, an ID that does not exist final (422), a code the upstream does not know passed on
// to the next provider (404); the answers cached as any provider's.
func TestUpstreamKios(t *testing.T) {
	t.Parallel()
	for _, be := range storetest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			up := basstoretest.New(t, basstoretest.Config{Backend: be})
			ctx := context.Background()
			u := &checkid.Upstream{Label: "supplier:hulu", Client: bsclient.NewClient(up.Server.URL, up.A.Token, bsclient.Options{}),
				Code: func(_ context.Context, product string) (string, error) {
					switch product {
					case "mobile-legends":
						return "MLBB_ID_5", nil // a variant code, as core.UpstreamCheckCode gives
					case "not-sold-there":
						return "", errors.New("no variant mapped")
					}
					return product, nil
				}}
			next := &fake{name: "next", r: checkid.Result{Valid: true, Nickname: "FromNext"}}
			c := checkid.New(checkid.Options{}, u, next)

			want, _ := checkid.Simulator{}.Check(ctx, "mobile-legends", "12345678(1234)")
			r, err := c.Check(ctx, "buyer", "mobile-legends", " 12345678(1234) ")
			if err != nil || !r.Valid || r.Nickname != want.Nickname || r.Destination != "12345678(1234)" || r.Provider != "supplier:hulu" {
				t.Fatalf("valid ID: %+v %v, want the upstream's nickname %q", r, err, want.Nickname)
			}
			r, err = c.Check(ctx, "buyer", "mobile-legends", "12340000(1234)")
			if err != nil || r.Valid || r.Provider != "supplier:hulu" || next.calls.Load() != 0 {
				t.Fatalf("ID that does not exist: %+v %v (next asked %d times)", r, err, next.calls.Load())
			}
			// The upstream does not know the code (404): the next provider answers.
			r, err = c.Check(ctx, "buyer", "no-such-game", "12345678")
			if err != nil || r.Provider != "next" || next.calls.Load() != 1 {
				t.Fatalf("unknown upstream code: %+v %v", r, err)
			}
			// Not mapped to that supplier: it is not asked at all.
			r, err = c.Check(ctx, "buyer", "not-sold-there", "12345678")
			if err != nil || r.Provider != "next" || next.calls.Load() != 2 {
				t.Fatalf("unmapped product: %+v %v", r, err)
			}
			// Cached: asked again, nobody is asked.
			if r, err := c.Check(ctx, "buyer", "mobile-legends", "12345678(1234)"); err != nil || r.Nickname != want.Nickname {
				t.Fatalf("cached: %+v %v", r, err)
			}
		})
	}
}

// TestUpstreamAnswers: the upstream's other answers against a local fake: a wrong token (401),
// its own rate limit (429), its providers down (503), an unreadable answer and a timeout each
// pass the question on; a 200 that is not a clear yes is not trusted.
func TestUpstreamAnswers(t *testing.T) {
	t.Parallel()
	env := func(status int, body string) string {
		return fmt.Sprintf(`{"error":%t,"code":%d,"message":%q,"data":%s}`, status != 200, status, body, map[bool]string{true: `{"valid":false,"nickname":"","data":"1"}`, false: "null"}[status == 200])
	}
	answers := map[string]func(w http.ResponseWriter){
		"401":     func(w http.ResponseWriter) { w.WriteHeader(401); fmt.Fprint(w, env(401, "Unauthorized")) },
		"429":     func(w http.ResponseWriter) { w.WriteHeader(429); fmt.Fprint(w, env(429, "Too many requests")) },
		"503":     func(w http.ResponseWriter) { w.WriteHeader(503); fmt.Fprint(w, env(503, "ID check unavailable")) },
		"garbage": func(w http.ResponseWriter) { fmt.Fprint(w, "<html>") },
		"false":   func(w http.ResponseWriter) { fmt.Fprint(w, env(200, "Success")) },
		"slow":    func(w http.ResponseWriter) { time.Sleep(300 * time.Millisecond); fmt.Fprint(w, env(200, "Success")) },
	}
	for name, answer := range answers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/api/v1/check-id" || r.Header.Get("Authorization") != "Bearer tok" {
					http.NotFound(w, r)
					return
				}
				answer(w)
			}))
			defer srv.Close()
			u := &checkid.Upstream{Label: "supplier:x", Client: bsclient.NewClient(srv.URL, "tok", bsclient.Options{})}
			next := &fake{name: "next", r: checkid.Result{Valid: true, Nickname: "N"}}
			c := checkid.New(checkid.Options{Timeout: 100 * time.Millisecond}, u, next)
			r, err := c.Check(context.Background(), "buyer", "mobile-legends", "12345678(1234)")
			if err != nil || r.Provider != "next" {
				t.Fatalf("%s: %+v %v, want the next provider's answer", name, r, err)
			}
			// Alone, it is no answer at all, never an invalid ID.
			_, err = checkid.New(checkid.Options{Timeout: 100 * time.Millisecond}, u).Check(context.Background(), "buyer", "mobile-legends", "22345678(1234)")
			if !errors.Is(err, checkid.ErrNoAnswer) || !strings.Contains(err.Error(), "supplier:x") {
				t.Fatalf("%s alone: %v, want ErrNoAnswer", name, err)
			}
		})
	}
}
