package basstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// Faults are injected into the store's writer connections: see storetest.OnWriters.

type faultEnv struct {
	*basstoretest.Env
	funded   int64
	accepted map[string]int64 // invoice -> price
}

func (f *faultEnv) order(t *testing.T, ref string) (int, []byte) {
	t.Helper()
	status, body := call(t, f.Env, http.MethodPost, "/api/v1/order", f.A.Token, fmt.Sprintf(`{"code":"MLBB_ID_5","referenceNumber":%q,"data":"081234567%d"}`, ref, len(f.accepted)))
	if status == http.StatusOK {
		var env struct {
			Data struct {
				InvoiceNumber string `json:"invoiceNumber"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &env); err != nil || env.Data.InvoiceNumber == "" {
			t.Fatalf("order %s: %s", ref, body)
		}
		f.accepted[env.Data.InvoiceNumber] = 1389
	}
	return status, body
}

// check verifies that the database holds exactly the accepted orders and their holds.
func (f *faultEnv) check(t *testing.T) {
	t.Helper()
	var held int64
	for _, p := range f.accepted {
		held += p
	}
	if got := f.Balance(t, f.A); got != f.funded-held {
		t.Errorf("balance %d, want %d - %d", got, f.funded, held)
	}
	if n := f.OrderCount(t); n != int64(len(f.accepted)) {
		t.Errorf("%d orders in the database, %d accepted", n, len(f.accepted))
	}
	f.CheckLedger(t)
}

func unavailable(t *testing.T, status int, body []byte) {
	t.Helper()
	var env struct {
		Error   bool   `json:"error"`
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if status != http.StatusServiceUnavailable || json.Unmarshal(body, &env) != nil || !env.Error || env.Code != 503 {
		t.Fatalf("want a 503 envelope, got %d %s", status, body)
	}
}

func newFaultEnv(t *testing.T) *faultEnv {
	e := basstoretest.New(t, basstoretest.Config{})
	f := &faultEnv{Env: e, funded: 10_000_000, accepted: map[string]int64{}}
	e.Fund(t, e.A, f.funded)
	return f
}

func TestDiskFull(t *testing.T) {
	t.Parallel()
	f := newFaultEnv(t)
	ctx := context.Background()
	if status, body := f.order(t, "before"); status != http.StatusOK {
		t.Fatalf("%d %s", status, body)
	}
	// The database may not grow by one more page.
	var pages int64
	if err := f.DB.Writer().QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	storetest.OnWriters(t, f.DB, fmt.Sprintf("PRAGMA max_page_count = %d", pages))
	var (
		ref    string
		status int
		body   []byte
	)
	for i := 0; i < 5000; i++ {
		ref = fmt.Sprintf("fill-%d", i)
		if status, body = f.order(t, ref); status != http.StatusOK {
			break
		}
	}
	unavailable(t, status, body)
	if _, err := f.Svc.OrderByReference(ctx, f.A.Reseller.ID, ref); !errors.Is(err, order.ErrNotFound) {
		t.Errorf("the refused order %s: %v, want not found", ref, err)
	}
	f.check(t)
	// Reads still work.
	if s, b := call(t, f.Env, http.MethodPost, "/api/v1/balance", f.A.Token, ""); s != http.StatusOK {
		t.Errorf("balance on a full disk: %d %s", s, b)
	}
	f.check(t)

	// Space returns: the same request now succeeds, once.
	storetest.OnWriters(t, f.DB, "PRAGMA max_page_count = 1073741823")
	if status, body := f.order(t, ref); status != http.StatusOK {
		t.Fatalf("after space returned: %d %s", status, body)
	}
	f.check(t)
}

func TestReadOnlyDatabase(t *testing.T) {
	t.Parallel()
	f := newFaultEnv(t)
	ctx := context.Background()
	storetest.ReadOnly(t, f.DB)
	status, body := f.order(t, "ro-1")
	unavailable(t, status, body)
	if _, err := f.Svc.Credit(ctx, f.A.Reseller.Username, 1, "ro"); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("credit on a read-only database: %v", err)
	}
	if s, b := call(t, f.Env, http.MethodPost, "/api/v1/variant", f.A.Token, `{"code":"mobile-legends"}`); s != http.StatusOK {
		t.Errorf("price list on a read-only database: %d %s", s, b)
	}
	f.check(t)

	storetest.Writable(t, f.DB)
	if status, body := f.order(t, "ro-1"); status != http.StatusOK {
		t.Fatalf("after the database became writable: %d %s", status, body)
	}
	f.check(t)
}
