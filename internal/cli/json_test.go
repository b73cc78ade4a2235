package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// readingCommands lists, from `kios help`, every list, show and check command (and the other
// reports that only read): the commands that must take --json.
func readingCommands(t *testing.T, k *kios) [][]string {
	t.Helper()
	var out [][]string
	for _, line := range strings.Split(k.ok("help"), "\n") {
		if !strings.HasPrefix(line, "  ") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		name := f[:1]
		if strings.Contains(k.ok("help"), "  "+f[0]+" "+f[1]+" ") && f[1][0] >= 'a' && f[1][0] <= 'z' {
			name = f[:2]
		}
		last := name[len(name)-1]
		switch {
		case last == "list" || last == "show" || last == "check" || last == "tickets" || name[0] == "report":
			out = append(out, name)
		case len(name) == 1 && name[0] == "migrate":
			out = append(out, []string{"migrate", "status"})
		}
	}
	return out
}

// TestEveryReadingCommandPrintsJSON walks every list, show and check command `kios help` names,
// runs it with --json on a database holding a reseller, an order, a supplier and a markup rule,
// and checks that it says --json in its usage and prints exactly one valid JSON document.
func TestEveryReadingCommandPrintsJSON(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		k.ok("migrate", "up")
		ctx := context.Background()
		svc, err := core.New(ctx, storetest.OpenURL(t, k.db), core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SaveCatalog(ctx, []catalog.Product{{Code: "g", Name: "Game", Active: true}},
			[]catalog.Variant{{ProductCode: "g", Code: "V1", Name: "V1", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 1000}}}); err != nil {
			t.Fatal(err)
		}
		cr, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Toko \"Merah\" Ñ"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Credit(ctx, cr.Reseller.Username, 5000, "t"); err != nil {
			t.Fatal(err)
		}
		o, err := svc.PlaceOrder(ctx, core.PlaceParams{Reseller: cr.Reseller, VariantCode: "V1", Reference: "j1", Destination: "0812"})
		if err != nil {
			t.Fatal(err)
		}
		k.ok("supplier", "add", "--name", "dg", "--kind", "digiflazz", "--base-url", "http://127.0.0.1:9", "--username", "u", "--api-key", "k")
		k.ok("markup", "set", "--tier", "default", "--percent", "3")
		positional := map[string][]string{"order show": {o.Order.Invoice}}

		cmds := readingCommands(t, k)
		seen := map[string]bool{}
		for _, c := range cmds {
			name := strings.Join(c, " ")
			seen[name] = true
			t.Run(name, func(t *testing.T) {
				usage := k.ok(append(append([]string{}, c...), "--help")...)
				if first, _, _ := strings.Cut(usage, "\n"); !strings.Contains(first, "[--json]") {
					t.Errorf("usage does not say --json: %q", first)
				}
				r := k.run(append(append(append([]string{}, c...), positional[name]...), "--json")...)
				if r.code != 0 {
					t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
				}
				dec := json.NewDecoder(strings.NewReader(r.stdout))
				var v any
				if err := dec.Decode(&v); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, r.stdout)
				}
				if dec.More() {
					t.Fatalf("more than one JSON document:\n%s", r.stdout)
				}
				if !json.Valid(bytes.TrimSpace([]byte(r.stdout))) {
					t.Fatalf("not valid JSON:\n%s", r.stdout)
				}
				if v == nil {
					t.Errorf("null instead of an array or object")
				}
			})
		}
		// The walk found the commands issue 14 names (and so cannot pass by finding none).
		for _, want := range []string{"reseller list", "order list", "order show", "ledger check", "supplier list", "catalog list",
			"markup list", "deposit tickets", "report margin", "migrate status", "secrets check"} {
			if !seen[want] {
				t.Errorf("%s not walked (found %v)", want, cmds)
			}
		}
	})
}

// TestJSONKeys: the keys scripts read are there, with the values of the table.
func TestJSONKeys(t *testing.T) {
	t.Parallel()
	k := setup(t)
	k.ok("reseller", "create", "--name", "Toko Satu", "--username", "tokosatu", "--allow-ip", "203.0.113.7")
	k.ok("deposit", "credit", "--reseller", "tokosatu", "--amount", "125000")
	var rs []map[string]any
	if err := json.Unmarshal([]byte(k.ok("reseller", "list", "--json")), &rs); err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0]["username"] != "tokosatu" || rs[0]["balance"] != float64(125000) || rs[0]["held"] != float64(0) ||
		rs[0]["status"] != "active" || rs[0]["allow_ips"].([]any)[0] != "203.0.113.7/32" || !strings.HasSuffix(rs[0]["created_at"].(string), "+07:00") {
		t.Errorf("reseller list --json: %v", rs)
	}
	if _, ok := rs[0]["api_key"]; ok {
		t.Error("reseller list --json prints the api key")
	}
	var lc map[string]any
	if err := json.Unmarshal([]byte(k.ok("ledger", "check", "--json")), &lc); err != nil {
		t.Fatal(err)
	}
	if lc["ok"] != true || len(lc["discrepancies"].([]any)) != 0 {
		t.Errorf("ledger check --json: %v", lc)
	}
	var os []any
	if err := json.Unmarshal([]byte(k.ok("order", "list", "--json")), &os); err != nil || os == nil || len(os) != 0 {
		t.Errorf("empty order list --json: %v %v", os, err)
	}
}
