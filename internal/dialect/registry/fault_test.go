package registry_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	dfz "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// flazzAnswer is the data of a Digiflazz-family answer, as far as these tests read it.
type flazzAnswer struct {
	RC      string `json:"rc"`
	Status  string `json:"status"`
	Message string `json:"message"`
	RefID   string `json:"ref_id"`
	Deposit *int64 `json:"deposit"`
}

// flazzCall posts body to path and decodes the answer's data.
func flazzCall(t *testing.T, k *kiostest.Kit, path, body string) (int, flazzAnswer, string) {
	t.Helper()
	st, raw := post(t, k, path, nil, body)
	var env struct {
		Data flazzAnswer `json:"data"`
	}
	if err := json.Unmarshal([]byte(raw), &env); err != nil {
		t.Fatalf("%s: answer %d %q: %v", path, st, raw, err)
	}
	return st, env.Data, raw
}

// flazzTrx is a transaction of s5 to number under ref, signed by the kit's reseller, as d words it.
func flazzTrx(k *kiostest.Kit, d flazzDialect, number, ref string) string {
	u, key := k.Reseller.Reseller.Username, k.Reseller.APIKey
	return fmt.Sprintf(`{"username":%q,%q:"s5","customer_no":%q,"ref_id":%q,"sign":%q}`, u, d.sku, number, ref, d.sign(u, key, ref))
}

// flazzBalance is a balance request of the kit's reseller signed with sign.
func flazzBalance(k *kiostest.Kit, sign string) string {
	return fmt.Sprintf(`{"cmd":"deposit","username":%q,"sign":%q}`, k.Reseller.Reseller.Username, sign)
}

// TestServerFault: a fault of Kios itself (here its store closed) is HTTP 500 in each dialect of
// the Digiflazz family; a transaction's answer is rc 99, pending, with its ref_id, so that a
// client resends the same request (the status check) instead of taking it as a refusal, and a
// balance's is never rc 00 (its status word is the dialect's, faultBalanceStatus). One table for the Digiflazz and Digiswitch dialects, which
// had a copy each.
func TestServerFault(t *testing.T) {
	t.Parallel()
	for _, d := range flazzDialects {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			k := kiostest.Setup(t, kiostest.Options{})
			sign := d.sign(k.Reseller.Reseller.Username, k.Reseller.APIKey, "depo")
			k.DB.Close()
			st, a, raw := flazzCall(t, k, d.transaction, flazzTrx(k, d, "0812", "r99"))
			if st != http.StatusInternalServerError || a.RC != dfz.RCRouterIssue || a.Status != dfz.StatusPending || a.RefID != "r99" {
				t.Errorf("transaction: HTTP %d %s", st, raw)
			}
			st, a, raw = flazzCall(t, k, d.balance, flazzBalance(k, sign))
			if st != http.StatusInternalServerError || a.RC == dfz.RCSuccess || a.Status != d.faultBalanceStatus {
				t.Errorf("balance: HTTP %d %s", st, raw)
			}
		})
	}
}

// TestRateLimit: in each dialect of the Digiflazz family, a reseller over its rate is answered
// rc 85 (HTTP 200, failed) on every endpoint, a transaction so refused changes nothing, and
// requests with a bad sign do not spend the reseller's allowance (they are refused first). One
// table for the Digiflazz and Digiswitch dialects, which had a copy each.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	for _, d := range flazzDialects {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			k := kiostest.Setup(t, kiostest.Options{Guard: access.New(access.Policy{Rate: 0.001, Burst: 2})})
			sign := d.sign(k.Reseller.Reseller.Username, k.Reseller.APIKey, "depo")
			for i := range 2 {
				if st, a, raw := flazzCall(t, k, d.balance, flazzBalance(k, sign)); st != http.StatusOK || a.RC != "" || a.Deposit == nil {
					t.Fatalf("call %d: HTTP %d %s", i, st, raw)
				}
			}
			if st, a, raw := flazzCall(t, k, d.balance, flazzBalance(k, sign)); st != http.StatusOK || a.RC != dfz.RCTooFast || a.Status != dfz.StatusFailed {
				t.Fatalf("third call: HTTP %d %s", st, raw)
			}
			before := storetest.Dump(t, k.DB)
			if st, a, raw := flazzCall(t, k, d.transaction, flazzTrx(k, d, "0812", "fast")); st != http.StatusOK || a.RC != dfz.RCTooFast || a.Status != dfz.StatusFailed {
				t.Fatalf("transaction: HTTP %d %s", st, raw)
			}
			if after := storetest.Dump(t, k.DB); after != before {
				t.Fatalf("a refused transaction changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if n := k.OrderCount(t); n != 0 {
				t.Fatalf("%d orders after a refused transaction", n)
			}

			g := kiostest.Setup(t, kiostest.Options{Guard: access.New(access.Policy{Rate: 0.001, Burst: 1})})
			for i := range 3 {
				if _, a, raw := flazzCall(t, g, d.balance, flazzBalance(g, "bad")); a.RC != dfz.RCSign {
					t.Fatalf("bad sign %d: %s", i, raw)
				}
			}
			good := d.sign(g.Reseller.Reseller.Username, g.Reseller.APIKey, "depo")
			if _, a, raw := flazzCall(t, g, d.balance, flazzBalance(g, good)); a.RC != "" || a.Deposit == nil {
				t.Fatalf("good call after bad signs: %s", raw)
			}
		})
	}
}
