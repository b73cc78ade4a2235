package app_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/app"
)

// TestAdminListener: --demo prints an admin login that works on the admin listener, whose
// /metrics counts the dialect requests by route pattern.
func TestAdminListener(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	a, _ := runApp(t, app.Config{DB: "sqlite:" + filepath.Join(t.TempDir(), "kios.db"), Demo: true, Stdout: &out,
		AdminAddr: "127.0.0.1:0", PublicMetrics: true})
	m := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out.String())
	if m == nil || a.AdminURL() == "" {
		t.Fatalf("no admin login in the banner: %q", out.String())
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(a.AdminURL()+"/admin/login", url.Values{"username": {"admin"}, "password": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 {
		t.Fatalf("login: %d %v", resp.StatusCode, resp.Cookies())
	}
	// A reseller endpoint answers on the main listener, never on the admin one.
	resp, err = http.Post(a.BaseURL()+"/api/v1/balance", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Get(a.AdminURL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `handler="basstore"`) || !strings.Contains(string(body), "kios_balances_owed_rupiah 1e+06") {
		t.Fatalf("metrics:\n%s", body)
	}
}
