package basstore_test

import (
	"net/http"
	"testing"

	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestGolden pins every endpoint's exact JSON, in an order's whole life: accepted, pending,
// delivered or failed.
func TestGolden(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := basstoretest.New(t, basstoretest.Config{Backend: b, Workers: true})
		e.Fund(t, e.A, 100000)
		tok := e.A.Token
		ok := func(name, path, body string) []byte {
			t.Helper()
			code, ans := call(t, e, http.MethodPost, path, tok, body)
			if code != http.StatusOK {
				t.Fatalf("%s: %d %s", path, code, ans)
			}
			golden(t, name, ans)
			return ans
		}

		ok("balance", "/api/v1/balance", "")
		ok("product", "/api/v1/product", "")
		ok("variant", "/api/v1/variant", `{"code":"mobile-legends"}`)
		ok("variant-telkomsel", "/api/v1/variant", `{"code":"telkomsel"}`)
		tok = e.B.Token
		ok("variant-default-tier", "/api/v1/variant", `{"code":"mobile-legends"}`)
		tok = e.A.Token

		done := invoiceOf(t, ok("order", "/api/v1/order", `{"code":"MLBB_ID_5","referenceNumber":"ref-001","data":"12345678(1234)"}`))
		pending := invoiceOf(t, ok("order-pending", "/api/v1/order", `{"code":"MLBB_ID_5","referenceNumber":"ref-002","data":"5551111"}`))
		failed := invoiceOf(t, ok("order-failed", "/api/v1/order", `{"code":"MLBB_ID_12","referenceNumber":"ref-003","data":"5550000"}`))

		// The simulator keeps a "1111" destination pending for seconds: long enough to see it.
		ok("status-pending", "/api/v1/status-order/"+pending, "")
		if o := e.WaitFinal(t, e.A, done); o.Status != order.Success {
			t.Fatalf("order %s: %s", done, o.Status)
		}
		ok("status-success", "/api/v1/status-order/"+done, "")
		if o := e.WaitFinal(t, e.A, failed); o.Status != order.Failed {
			t.Fatalf("order %s: %s", failed, o.Status)
		}
		ok("status-failed", "/api/v1/status-order/"+failed, "")
		// 100000, less MLBB_ID_5 delivered and MLBB_ID_5 held; the failed order was refunded.
		ok("balance-after", "/api/v1/balance", "")
		if got := e.Balance(t, e.A); got != 100000-2*1389 {
			t.Fatalf("balance %d", got)
		}
		e.CheckLedger(t)
		e.CheckNoSecrets(t)
	})
}
