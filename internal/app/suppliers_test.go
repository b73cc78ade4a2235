package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/app"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store"
)

// TestSupplierCallsAreVisible: an order bought from a registered supplier is timed and counted
// in /metrics, and GET /admin/api/suppliers shows that supplier (and the built-in simulator) with
// its standing and its last hour of calls, never its secrets.
func TestSupplierCallsAreVisible(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	a, _ := runApp(t, app.Config{DB: "sqlite:" + filepath.Join(t.TempDir(), "kios.db"), Demo: true, Stdout: &out,
		AdminAddr: "127.0.0.1:0", PublicMetrics: true})
	ctx := context.Background()
	if _, err := a.Service().AddSupplier(ctx, core.NewSupplier{Name: "upstream1", Kind: store.KindSimulator}); err != nil {
		t.Fatal(err)
	}
	m := tokenRE.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no token in the banner: %s", out.String())
	}
	s := &server{t: t, base: a.BaseURL()}
	var placed struct {
		InvoiceNumber string `json:"invoiceNumber"`
	}
	s.mustCall(m[1], "/api/v1/order", orderReq{"MLBB_ID_5", "vis-1", "12345678(1234)"}, &placed)
	if got := s.waitFinal(m[1], []string{placed.InvoiceNumber}, 20*time.Second); got[placed.InvoiceNumber] != "Success" {
		t.Fatalf("order ended %v", got)
	}

	body := get(t, a.AdminURL()+"/metrics", "")
	for _, want := range []string{
		`kios_supplier_request_duration_seconds_count{op="purchase",supplier="upstream1"} 1`,
		`kios_supplier_results_total{op="purchase",state="success",supplier="upstream1"} 1`,
	} {
		// Whole lines: each call is counted once, through one meter (route.Options.Meter).
		if !strings.Contains(body, want+"\n") {
			t.Errorf("metrics lack %s:\n%s", want, grepLines(body, "kios_supplier"))
		}
	}

	as := admin.NewService(a.Service(), admin.Options{BcryptCost: bcrypt.MinCost})
	pw, err := as.CreateAdmin(ctx, admin.Actor{Name: "test"}, "ops")
	if err != nil {
		t.Fatal(err)
	}
	_, id, err := as.Login(ctx, "ops", pw, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := as.CreateToken(ctx, id, "127.0.0.1", "t")
	if err != nil {
		t.Fatal(err)
	}
	raw := get(t, a.AdminURL()+"/admin/api/suppliers", tok)
	var list struct {
		Suppliers []map[string]any `json:"suppliers"`
	}
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		t.Fatal(err)
	}
	byName := map[string]map[string]any{}
	for _, s := range list.Suppliers {
		byName[s["name"].(string)] = s
	}
	up := byName["upstream1"]
	if up == nil || up["kind"] != "simulator" || up["enabled"] != true || up["breaker"] != "closed" || up["calls_last_hour"] != 1.0 ||
		up["success_rate"] != 1.0 || up["mapped_skus"] != 0.0 {
		t.Fatalf("upstream1: %v", up)
	}
	if sim := byName["simulator"]; sim == nil || sim["builtin"] != true {
		t.Fatalf("no built-in simulator: %s", raw)
	}
}

func get(t *testing.T, url, bearer string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
