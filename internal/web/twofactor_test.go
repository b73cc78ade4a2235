package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/session"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/totp"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
	"github.com/kios-h2h/kios/internal/web"
)

// clock is a time tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestAdminTwoFactor: an admin turns two-factor login on through /admin/api/2fa (password asked
// again, the first code confirms, recovery codes shown once); the login form then asks for the
// code, refuses a wrong or replayed one, takes a fresh one or a recovery code (once); turning it off
// needs the password and a code; each change is audited. The clock is fixed, so codes are exact.
func TestAdminTwoFactor(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		// 10 s into a TOTP step; near the real time, as the store checks sessions' expiry on its
		// own clock.
		clk := &clock{t: time.Now().Truncate(totp.Step).Add(10 * time.Second)}
		db := b.Open(t)
		svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		// Throttling is tested elsewhere; here a burst that outlasts the wrong codes tried.
		opts := fastAdmin
		opts.LoginBurst = 50
		as := admin.NewService(svc, opts)
		pw, err := as.CreateAdmin(ctx, admin.Actor{Name: "test"}, "boss")
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(adminSpec(t).Handler(t, "/admin/api/", web.New(svc, web.Options{Admin: opts, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})))
		t.Cleanup(srv.Close)

		// login posts the login form from a fresh client; it returns the client (logged in on a
		// 303) and the answer.
		login := func(password, code string) (*http.Client, int, string) {
			t.Helper()
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := c.PostForm(srv.URL+"/admin/login", url.Values{"username": {"boss"}, "password": {password}, "code": {code}})
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return c, resp.StatusCode, string(body)
		}
		c, st, _ := login(pw, "")
		if st != http.StatusSeeOther {
			t.Fatalf("login without two-factor: %d", st)
		}
		var me struct {
			CSRF string `json:"csrf_token"`
		}
		call := func(method, path string, body any, out any) int {
			t.Helper()
			var rd io.Reader
			if body != nil {
				b, _ := json.Marshal(body)
				rd = bytes.NewReader(b)
			}
			req, _ := http.NewRequest(method, srv.URL+path, rd)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", me.CSRF)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if out != nil {
				if err := json.Unmarshal(b, out); err != nil {
					t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
				}
			}
			return resp.StatusCode
		}
		if call("GET", "/admin/api/me", nil, &me) != 200 || me.CSRF == "" {
			t.Fatal("me")
		}
		var state map[string]any
		if call("GET", "/admin/api/2fa", nil, &state) != 200 || state["enabled"] != false || state["pending"] != false {
			t.Fatalf("state before: %v", state)
		}

		// Enrol: the password again, or nothing.
		var e struct {
			Error, Field, Secret string
			URI                  string `json:"otpauth_uri"`
		}
		if st := call("POST", "/admin/api/2fa/enrol", map[string]string{"password": "wrong"}, &e); st != http.StatusForbidden || e.Field != "password" {
			t.Fatalf("enrol with a wrong password: %d %+v", st, e)
		}
		if st := call("POST", "/admin/api/2fa/enrol", map[string]string{"password": pw}, &e); st != 200 || e.Secret == "" ||
			!strings.HasPrefix(e.URI, "otpauth://totp/") || !strings.Contains(e.URI, "secret="+e.Secret) {
			t.Fatalf("enrol: %d %+v", st, e)
		}
		// Not on until confirmed: login still needs no code.
		if _, st, _ := login(pw, ""); st != http.StatusSeeOther {
			t.Fatalf("login while pending: %d", st)
		}
		code := func() string {
			c, err := totp.Code(e.Secret, totp.StepAt(clk.Now()))
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		var conf struct {
			Enabled bool     `json:"enabled"`
			Codes   []string `json:"recovery_codes"`
			Field   string   `json:"field"`
		}
		wrongCode := "000000"
		if wrongCode == code() {
			wrongCode = "111111"
		}
		if st := call("POST", "/admin/api/2fa/confirm", map[string]string{"code": wrongCode}, &conf); st != http.StatusBadRequest || conf.Field != "code" {
			t.Fatalf("confirm with a wrong code: %d %+v", st, conf)
		}
		if st := call("POST", "/admin/api/2fa/confirm", map[string]string{"code": code()}, &conf); st != 200 || !conf.Enabled || len(conf.Codes) != 10 {
			t.Fatalf("confirm: %d %+v", st, conf)
		}
		if st := call("POST", "/admin/api/2fa/enrol", map[string]string{"password": pw}, nil); st != http.StatusConflict {
			t.Fatalf("enrol while on: %d", st)
		}

		// The login asks for the code.
		if _, st, body := login(pw, ""); st != http.StatusUnauthorized || !strings.Contains(body, "6-digit code") {
			t.Fatalf("login without the code: %d %q", st, body)
		}
		if _, st, _ := login(pw, wrongCode); st != http.StatusUnauthorized {
			t.Fatalf("login with a wrong code: %d", st)
		}
		// The code that confirmed is spent: the same step's code is refused (a replay).
		if _, st, _ := login(pw, code()); st != http.StatusUnauthorized {
			t.Fatalf("login replaying the confirming code: %d", st)
		}
		clk.Add(totp.Step)
		if _, st, _ := login(pw, code()); st != http.StatusSeeOther {
			t.Fatalf("login with the next code: %d", st)
		}
		if _, st, _ := login(pw, code()); st != http.StatusUnauthorized {
			t.Fatalf("the same code twice: %d", st)
		}
		// The wrong password with a right code is still a wrong login.
		clk.Add(totp.Step)
		if _, st, _ := login("wrong", code()); st != http.StatusUnauthorized {
			t.Fatalf("wrong password, right code: %d", st)
		}
		// A recovery code, once.
		if _, st, _ := login(pw, conf.Codes[0]); st != http.StatusSeeOther {
			t.Fatalf("login with a recovery code: %d", st)
		}
		if _, st, _ := login(pw, conf.Codes[0]); st != http.StatusUnauthorized {
			t.Fatalf("a recovery code twice: %d", st)
		}
		if call("GET", "/admin/api/2fa", nil, &state) != 200 || state["enabled"] != true || state["recovery_codes_left"] != float64(9) {
			t.Fatalf("state after: %v", state)
		}

		// Off: the password and a code, both.
		clk.Add(totp.Step)
		if st := call("POST", "/admin/api/2fa/disable", map[string]string{"password": pw}, nil); st != http.StatusBadRequest {
			t.Fatalf("disable without a code: %d", st)
		}
		if st := call("POST", "/admin/api/2fa/disable", map[string]string{"password": "wrong", "code": code()}, nil); st != http.StatusForbidden {
			t.Fatalf("disable with a wrong password: %d", st)
		}
		if st := call("POST", "/admin/api/2fa/disable", map[string]string{"password": pw, "code": code()}, nil); st != 200 {
			t.Fatalf("disable: %d", st)
		}
		if _, st, _ := login(pw, ""); st != http.StatusSeeOther {
			t.Fatalf("login after disabling: %d", st)
		}

		// The Admins page does the same with forms: set up, and the pending key is shown.
		form := func(path string, v url.Values) (int, string) {
			t.Helper()
			v.Set("csrf", me.CSRF)
			resp, err := c.PostForm(srv.URL+path, v)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		if st, _ := form("/admin/2fa/enrol", url.Values{"password": {pw}}); st != http.StatusSeeOther {
			t.Fatalf("form enrol: %d", st)
		}
		resp, err := c.Get(srv.URL + "/admin/admins")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var pending map[string]any
		call("GET", "/admin/api/2fa", nil, &pending)
		if pending["pending"] != true || !strings.Contains(string(page), `id="totp-secret"`) || !strings.Contains(string(page), "/admin/2fa/confirm") {
			t.Fatalf("admins page with a pending secret: %v\n%s", pending, page)
		}
		// The QR code is the pending secret's otpauth URI (the app scans it).
		secret, err := session.PendingSecret(ctx, db, admin.Subject(1))
		if err != nil || secret == "" {
			t.Fatalf("pending secret: %q %v", secret, err)
		}
		qr, err := session.TwoFactorQR(session.TwoFactorURI("Kios admin", "boss", secret))
		if err != nil || !strings.HasPrefix(string(qr), "data:image/png;base64,") || !strings.Contains(html.UnescapeString(string(page)), `<img id="totp-qr" src="`+string(qr)+`"`) {
			t.Fatalf("no QR code of the secret on the admins page (%v)", err)
		}
		if st, body := form("/admin/2fa/confirm", url.Values{"code": {"12345x"}}); st != http.StatusSeeOther || strings.Contains(body, "Recovery code 1") {
			t.Fatalf("form confirm with a bad code: %d", st)
		}

		entries, err := db.AuditList(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, en := range entries {
			seen[en.Action]++
		}
		if seen["admin.2fa-enable"] != 1 || seen["admin.2fa-disable"] != 1 {
			t.Errorf("audit: %v", seen)
		}
	})
}
