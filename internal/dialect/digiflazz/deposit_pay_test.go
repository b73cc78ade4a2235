package digiflazz_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/dialect/digiswitch"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestDepositByMethod: with a gateway enabled, the deposit endpoints of both flazz dialects
// take an optional method (a Kios extension) and answer the gateway's instructions, which pay
// the deposit once the gateway reports it; without method their answers keep exactly today's
// keys (a bank-transfer ticket); a method no gateway offers is a payload refusal. Both backends;
// the ledger check is clean.
func TestDepositByMethod(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		f := setupOn(t, be, digiflazz.Options{})
		ctx := context.Background()
		if _, err := f.Svc.AddGateway(ctx, store.Gateway{Name: "sandbox", Kind: payment.Sandbox, BaseURL: "https://kios.example",
			Methods: []string{"QRIS", "BRIVA"}}); err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.Handle("/v1/", digiflazz.New(f.Svc, digiflazz.Options{Logger: kiostest.Quiet()}))
		mux.Handle("/v1/user/api/", digiswitch.New(f.Svc, digiswitch.Options{Logger: kiostest.Quiet()}))
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		key := f.Reseller.APIKey
		df := wire.New(srv.URL+"/v1", "buyer1", key)
		dsc := ds.New(srv.URL, "buyer1", key)

		// Without method: the wire of today, key for key.
		raw := func(path string, body map[string]any) map[string]any {
			b, _ := json.Marshal(body)
			resp, err := http.Post(srv.URL+path, "application/json", bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			out, _ := io.ReadAll(resp.Body)
			var m map[string]any
			if err := json.Unmarshal(out, &m); err != nil {
				t.Fatalf("%s: %v %s", path, err, out)
			}
			if d, ok := m["data"].(map[string]any); ok {
				return d
			}
			return m
		}
		keys := func(m map[string]any) string {
			var ks []string
			for k := range m {
				ks = append(ks, k)
			}
			sort.Strings(ks)
			return strings.Join(ks, ",")
		}
		transfer := map[string]any{"username": "buyer1", "amount": 50000, "bank": "BCA", "owner_name": "Budi", "sign": ds.Sign("buyer1", key, ds.SuffixDeposit)}
		if got := keys(raw(ds.PathDeposit, transfer)); got != "amount,notes,rc" {
			t.Errorf("digiswitch deposit without method: keys %s", got)
		}
		transfer["sign"] = wire.Sign("buyer1", key, wire.SuffixDeposit)
		if got := keys(raw("/v1/deposit", transfer)); got != "account_no,amount,bank,notes,payment_method,rc" {
			t.Errorf("digiflazz deposit without method: keys %s", got)
		}

		before, err := f.Svc.Balance(ctx, f.Reseller.Reseller.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, err := dsc.DepositPay(ctx, 100000, "QRIS")
		if err != nil || a.RC != ds.RCSuccess || a.Ticket == "" || a.Reference == "" || a.QRString == "" || a.ExpiresAt == "" ||
			a.CheckoutURL != "https://kios.example/sandbox/pay/"+a.Reference || a.Amount <= 100000 {
			t.Fatalf("digiswitch deposit by QRIS: %+v %v", a, err)
		}
		b, err := df.DepositPay(ctx, 60000, "briva")
		if err != nil || b.RC != wire.RCSuccess || b.Ticket == "" || b.PayCode == "" || b.AccountNo != b.PayCode || b.Bank != "sandbox" {
			t.Fatalf("digiflazz deposit by BRIVA: %+v %v", b, err)
		}
		if c, err := dsc.DepositPay(ctx, 60000, "GOPAY"); err == nil || (c != nil && c.RC == ds.RCSuccess) {
			t.Errorf("digiswitch: a method no gateway offers: %+v %v", c, err)
		}
		if d, err := df.DepositPay(ctx, 60000, "GOPAY"); err == nil && d.RC == wire.RCSuccess {
			t.Errorf("digiflazz: a method no gateway offers: %+v", d)
		}
		for _, ref := range []string{a.Reference, b.Reference, a.Reference} {
			if _, _, err := f.Svc.SandboxPay(ctx, ref); err != nil {
				t.Fatal(err)
			}
		}
		after, err := f.Svc.Balance(ctx, f.Reseller.Reseller.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after-before != a.Amount+b.Amount {
			t.Fatalf("credited %d, want %d", after-before, a.Amount+b.Amount)
		}
		rep, err := f.DB.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger check: %v %v", err, rep)
		}
	})
}
