package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/payment/paytest"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestGatewayCommands: kios gateway add registers a Tripay gateway pointed at the local fake
// and a sandbox, gateway list shows which secrets are set but never one, disable stops deposit
// pay and enable lets it again, deposit pay --json answers the contract's keys (ticket, amount,
// reference, expires_at and what the gateway gave), and every change is audited without its
// secrets. Both backends.
func TestGatewayCommands(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		f := paytest.New(t)
		k.ok("reseller", "create", "--name", "Toko Bayar", "--username", "tokobayar")
		add := k.ok("gateway", "add", "--name", "tripay", "--kind", "tripay", "--base-url", f.URL, "--merchant-code", paytest.MerchantCode,
			"--api-key", paytest.APIKey, "--private-key", paytest.PrivateKey, "--methods", "QRIS,BRIVA", "--fee-policy", "reseller", "--json")
		var g map[string]any
		if err := json.Unmarshal([]byte(add), &g); err != nil || g["name"] != "tripay" || g["enabled"] != true || g["fee_policy"] != "reseller" {
			t.Fatalf("gateway add --json: %v %s", err, add)
		}
		k.ok("gateway", "add", "--name", "demo", "--kind", "sandbox", "--private-key", "sekret-sandbox", "--methods", "QRIS")
		if r := k.run("gateway", "add", "--name", "bad", "--kind", "paypal"); r.code == 0 {
			t.Errorf("unknown kind accepted: %+v", r)
		}
		if r := k.run("gateway", "add", "--name", "tripay2", "--kind", "tripay", "--base-url", f.URL, "--fee-policy", "nobody"); r.code != 2 ||
			!strings.Contains(r.stderr, "--fee-policy") {
			t.Errorf("bad fee policy: %+v", r)
		}

		list := k.ok("gateway", "list", "--json")
		for _, secret := range []string{paytest.APIKey, paytest.PrivateKey, "sekret-sandbox"} {
			if strings.Contains(list, secret) || strings.Contains(k.ok("gateway", "list"), secret) {
				t.Fatalf("gateway list shows a secret: %s", list)
			}
		}
		var gws []struct {
			Name    string   `json:"name"`
			Kind    string   `json:"kind"`
			Methods []string `json:"methods"`
			Secrets []string `json:"secrets"`
			Enabled bool     `json:"enabled"`
		}
		if err := json.Unmarshal([]byte(list), &gws); err != nil || len(gws) != 2 || gws[1].Name != "tripay" ||
			strings.Join(gws[1].Secrets, ",") != "api_key,private_key" || strings.Join(gws[1].Methods, ",") != "QRIS,BRIVA" {
			t.Fatalf("gateway list --json: %v %s", err, list)
		}

		k.ok("gateway", "disable", "tripay")
		if r := k.run("deposit", "pay", "--reseller", "tokobayar", "--amount", "100000", "--gateway", "tripay", "--json"); r.code != 1 ||
			!strings.Contains(r.stderr, "disabled") {
			t.Errorf("deposit pay at a disabled gateway: %+v", r)
		}
		k.ok("gateway", "enable", "tripay")
		out := k.ok("deposit", "pay", "--reseller", "tokobayar", "--amount", "100000", "--gateway", "tripay", "--method", "QRIS", "--json",
			"--public-url", "https://kios.example")
		var p map[string]any
		dec := json.NewDecoder(strings.NewReader(out))
		if err := dec.Decode(&p); err != nil || dec.More() {
			t.Fatalf("deposit pay --json is not one object: %v %s", err, out)
		}
		for _, key := range []string{"ticket", "amount", "reference", "expires_at", "qr_string"} {
			if v, ok := p[key]; !ok || v == "" {
				t.Errorf("deposit pay --json: no %s: %s", key, out)
			}
		}
		if amt, _ := p["amount"].(float64); amt <= 100000 || amt > 100999 {
			t.Errorf("amount %v", p["amount"])
		}
		if tx := f.Tx(p["ticket"].(string)); tx == nil || tx.Reference != p["reference"] {
			t.Errorf("the fake has no transaction %v for ticket %v", p["reference"], p["ticket"])
		}
		sbx := k.ok("deposit", "pay", "--reseller", "tokobayar", "--amount", "50000", "--gateway", "demo", "--json", "--public-url", "https://kios.example")
		if !strings.Contains(sbx, `"checkout_url":"https://kios.example/sandbox/pay/SBX-`) {
			t.Errorf("sandbox pay link: %s", sbx)
		}
		if out := k.ok("deposit", "pay", "--reseller", "tokobayar", "--amount", "50000", "--gateway", "demo", "--public-url", "https://kios.example"); !strings.Contains(out, "pay Rp 50.") ||
			!strings.Contains(out, "checkout: https://kios.example/sandbox/pay/SBX-") {
			t.Errorf("deposit pay without --json: %s", out)
		}
		if r := k.run("deposit", "pay", "--reseller", "tokobayar", "--amount", "50000", "--gateway", "demo", "--method", "GOPAY",
			"--public-url", "https://kios.example"); r.code != 2 {
			t.Errorf("method not offered: %+v", r)
		}

		db := storetest.OpenURL(t, k.db)
		audit, err := db.AuditList(context.Background(), store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got, adds := map[string]string{}, 0
		for _, e := range audit {
			if e.Action == "gateway.add" {
				adds++ // the refused ones leave no row
			}
			for _, secret := range []string{paytest.APIKey, paytest.PrivateKey, "sekret-sandbox"} {
				if strings.Contains(e.After, secret) {
					t.Errorf("secret in the audit log: %s", e.After)
				}
			}
			if _, seen := got[e.Action]; !seen {
				got[e.Action] = e.Target // the newest
			}
		}
		for action, target := range map[string]string{"gateway.add": "gateway:demo", "gateway.disable": "gateway:tripay",
			"gateway.enable": "gateway:tripay", "deposit.pay": "reseller:tokobayar"} {
			if got[action] != target {
				t.Errorf("audit %s: target %q, want %q (%v)", action, got[action], target, got)
			}
		}
		if adds != 2 {
			t.Errorf("%d gateway.add audit rows, want 2", adds)
		}
		if rep := k.run("ledger", "check"); rep.code != 0 {
			t.Errorf("ledger check: %+v", rep)
		}
	})
}
