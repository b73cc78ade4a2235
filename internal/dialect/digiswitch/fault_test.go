package digiswitch_test

import (
	"encoding/json"
	"net/http"
	"testing"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestReadOnlyDatabase: while the database takes no writes (read-only file, full disk; see
// storetest.OnWriters), a transaction is answered HTTP 500 with rc 99 in the dialect's envelope,
// which tells the client to resend the same request; nothing is written; reads still work; and
// once the database is writable the resent request places the order, once.
func TestReadOnlyDatabase(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	before := storetest.Dump(t, b.DB)
	storetest.ReadOnly(t, b.DB)
	req := b.trx("", "s5", "081234567890", "ro-1")
	status, raw := b.post(ds.PathTransaction, req)
	var env struct {
		Data ds.ErrorData `json:"data"`
	}
	if status != http.StatusInternalServerError || json.Unmarshal(raw, &env) != nil || env.Data.RC != ds.RCRouterIssue || env.Data.Message == "" {
		t.Fatalf("transaction on a read-only database: %d %s", status, raw)
	}
	if after := storetest.Dump(t, b.DB); after != before {
		t.Fatalf("a refused transaction changed the database:\n%s\n%s", before, after)
	}
	if d := b.data(ds.PathBalance, ds.BalanceRequest{Username: b.user(), Sign: b.sign(ds.SuffixDeposit)}); d["deposit"] != 1e6 {
		t.Errorf("balance on a read-only database: %v", d)
	}

	storetest.Writable(t, b.DB)
	b.wantRC(ds.PathTransaction, req, ds.RCPending)
	b.wantRC(ds.PathTransaction, req, ds.RCPending) // the resend is the status check
	if n := b.OrderCount(b.T); n != 1 {
		t.Errorf("%d orders, want 1", n)
	}
	b.CheckLedger(b.T)
}
