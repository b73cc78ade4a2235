package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
)

// fakeBasstore serves a BASSTORE-style catalog and balance to token "sekret-token".
func fakeBasstore(t *testing.T) *httptest.Server {
	reply := func(w http.ResponseWriter, data any) {
		_ = json.NewEncoder(w).Encode(map[string]any{"error": false, "code": 200, "message": "Success", "data": data})
	}
	mux := http.NewServeMux()
	auth := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer sekret-token" {
				w.WriteHeader(401)
				_ = json.NewEncoder(w).Encode(map[string]any{"error": true, "code": 401, "message": "Unauthorized", "data": nil})
				return
			}
			h(w, r)
		}
	}
	mux.HandleFunc("POST /api/v1/balance", auth(func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]any{"name": "Kios", "email": "", "telp": "", "membership": "default", "balance": 750000})
	}))
	mux.HandleFunc("POST /api/v1/product", auth(func(w http.ResponseWriter, r *http.Request) {
		reply(w, []map[string]any{{"code": "free-fire", "name": "Free Fire", "is_active": true}})
	}))
	mux.HandleFunc("POST /api/v1/variant", auth(func(w http.ResponseWriter, r *http.Request) {
		reply(w, []map[string]any{
			{"id": 1, "code": "FF_5", "name": "5 Diamonds", "is_active": "active", "price": 900, "processDuration": "0"},
			{"id": 2, "code": "FF_12", "name": "12 Diamonds", "is_active": "active", "price": 2000, "processDuration": "0"},
		})
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestSupplierCommands(t *testing.T) {
	t.Parallel()
	k := setup(t)
	up := fakeBasstore(t)
	k.ok("supplier", "add", "--name", "upa", "--kind", "basstore", "--base-url", up.URL, "--token", "sekret-token")
	if r := k.run("supplier", "add", "--name", "upb", "--kind", "basstore", "--base-url", up.URL); r.code != 2 || !strings.Contains(r.stderr, "token") {
		t.Fatalf("add without token: %+v", r)
	}
	k.ok("markup", "set", "--percent", "10")
	out := k.ok("catalog", "sync", "--supplier", "upa")
	if !strings.Contains(out, "2 products, 2 new") || !strings.Contains(out, "2 variants created") || !strings.Contains(out, "balance 750000") {
		t.Fatalf("sync said:\n%s", out)
	}
	list := k.ok("catalog", "list")
	if !strings.Contains(list, "FF_5") || !strings.Contains(list, "990") {
		t.Fatalf("catalog after sync (FF_5 at 900 + 10%% = 990):\n%s", list)
	}
	out = k.ok("supplier", "list")
	if strings.Contains(out, "sekret-token") || !strings.Contains(out, "750000") || !strings.Contains(out, "set") {
		t.Fatalf("supplier list:\n%s", out)
	}
	k.ok("supplier", "deposit", "upa", "--amount", "750000", "--note", "transfer 1")
	if out := k.ok("supplier", "list"); !strings.Contains(out, "750000  ") || !strings.HasSuffix(strings.TrimSpace(out), "750000") {
		t.Fatalf("ledger balance after a top-up:\n%s", out)
	}
	if r := k.run("supplier", "deposit", "upa", "--amount", "-5"); r.code != 2 {
		t.Fatalf("negative deposit: %+v", r)
	}
	if r := k.run("ledger", "check"); r.code != 0 {
		t.Fatalf("ledger check after a supplier deposit: %+v", r)
	}
	k.ok("supplier", "disable", "upa")
	if out := k.ok("supplier", "list"); !strings.Contains(out, "false") {
		t.Fatalf("after disable:\n%s", out)
	}
	k.ok("supplier", "enable", "upa")
	if r := k.run("supplier", "disable", "nobody"); r.code != 1 {
		t.Fatalf("disable unknown: %+v", r)
	}
	k.ok("supplier", "map", "upa", "FF_12", "FF_5", "--priority", "5")
	if r := k.run("catalog", "sync", "--supplier", "ghost"); r.code == 0 {
		t.Fatal("sync of an unknown supplier succeeded")
	}
	// --kind: one kind of list; a BASSTORE upstream lists prepaid products only.
	if out := k.ok("catalog", "sync", "--supplier", "upa", "--kind", "postpaid"); !strings.Contains(out, "upa: 0 products") {
		t.Fatalf("postpaid sync of a prepaid-only upstream:\n%s", out)
	}
	if list := k.ok("catalog", "list"); !strings.Contains(list, "FF_5") {
		t.Fatalf("a postpaid sync retired prepaid products:\n%s", list)
	}
	if out := k.ok("catalog", "sync", "--supplier", "upa", "--kind", "prepaid"); !strings.Contains(out, "upa: 2 products") {
		t.Fatalf("prepaid sync:\n%s", out)
	}
	if r := k.run("catalog", "sync", "--kind", "bills"); r.code != 2 {
		t.Fatalf("--kind bills: %+v", r)
	}
}

func TestReportMarginAndSetCallback(t *testing.T) {
	t.Parallel()
	k := setup(t)
	k.ok("reseller", "create", "--name", "Shop")
	k.ok("reseller", "set-callback", "shop", "https://shop.example/kios")
	if r := k.run("reseller", "set-callback", "shop", "ftp://x"); r.code != 2 {
		t.Fatalf("bad URL: %+v", r)
	}
	day := catalog.Day(time.Now())
	out := k.ok("report", "margin", "--from", day, "--to", day)
	if !strings.Contains(out, "DAY") || !strings.Contains(out, "TOTAL") {
		t.Fatalf("report:\n%s", out)
	}
	if r := k.run("report", "margin", "--from", "yesterday"); r.code != 2 {
		t.Fatalf("bad day: %+v", r)
	}
}

// TestSupplierAddBasstoreKeys: a BASSTORE supplier takes both the token and the api key; without
// the api key, whose signature a Kios upstream's callbacks carry, the operator is told.
func TestSupplierAddBasstoreKeys(t *testing.T) {
	t.Parallel()
	k := setup(t)
	up := fakeBasstore(t)
	out := k.ok("supplier", "add", "--name", "upa", "--kind", "basstore", "--base-url", up.URL, "--token", "sekret-token")
	if !strings.Contains(out, "--api-key") {
		t.Fatalf("token only, no word about the api key:\n%s", out)
	}
	out = k.ok("supplier", "add", "--name", "upb", "--kind", "basstore", "--base-url", up.URL, "--token", "sekret-token", "--api-key", "k")
	if strings.Contains(out, "note:") {
		t.Fatalf("token and api key:\n%s", out)
	}
}

// TestSupplierSetBounds: `supplier add --max-inflight --rate` and `supplier set` bound the
// requests sent to a supplier; a flag left out keeps its value; nonsense is a usage error.
func TestSupplierSetBounds(t *testing.T) {
	t.Parallel()
	k := setup(t)
	up := fakeBasstore(t)
	k.ok("supplier", "add", "--name", "upa", "--kind", "basstore", "--base-url", up.URL, "--token", "sekret-token", "--rate", "20/s")
	k.ok("supplier", "add", "--name", "upb", "--kind", "basstore", "--base-url", up.URL, "--token", "sekret-token", "--max-inflight", "50")
	bounds := func() map[string][2]float64 {
		var rows []struct {
			Name        string  `json:"name"`
			MaxInflight int     `json:"max_inflight"`
			Rate        float64 `json:"rate"`
		}
		if err := json.Unmarshal([]byte(k.ok("supplier", "list", "--json")), &rows); err != nil {
			t.Fatal(err)
		}
		out := map[string][2]float64{}
		for _, r := range rows {
			out[r.Name] = [2]float64{float64(r.MaxInflight), r.Rate}
		}
		return out
	}
	if b := bounds(); b["upa"] != [2]float64{1000, 20} || b["upb"] != [2]float64{50, 0} {
		t.Fatalf("after add: %v", b)
	}
	if out := k.ok("supplier", "set", "upa", "--max-inflight", "300"); !strings.Contains(out, "at most 300 requests in flight, 20/s") {
		t.Fatalf("set said: %s", out)
	}
	k.ok("supplier", "set", "upb", "--rate", "2.5/s")
	if b := bounds(); b["upa"] != [2]float64{300, 20} || b["upb"] != [2]float64{50, 2.5} {
		t.Fatalf("after set: %v", b)
	}
	for _, args := range [][]string{{"upa"}, {"upa", "--max-inflight", "0"}, {"upa", "--max-inflight", "-3"}, {"upa", "--rate", "fast"}} {
		if r := k.run(append([]string{"supplier", "set"}, args...)...); r.code != 2 {
			t.Errorf("supplier set %v: %+v", args, r)
		}
	}
	if r := k.run("supplier", "set", "nobody", "--max-inflight", "5"); r.code == 0 {
		t.Errorf("set on an unknown supplier: %+v", r)
	}
}
