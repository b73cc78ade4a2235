package digiswitch_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// Gangguan: a variant no supplier can take is status false in the price list and its
// transactions are rc 55; a number of another operator is rc 52; neither changes anything.
func TestGangguanAndWrongOperator(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, setupOpts{backend: &be})
		u, key := b.user(), b.Reseller.APIKey
		trx := func(ref, rest string) string {
			return fmt.Sprintf(`{"username":%q,"ref_id":%q,"sign":%q%s}`, u, ref, ds.Sign(u, key, ref), rest)
		}
		v, err := b.Svc.Variant(context.Background(), "s5")
		if err != nil {
			t.Fatal(err)
		}
		b.sup.mu.Lock()
		b.sup.down = map[int64]bool{v.ID: true}
		b.sup.mu.Unlock()
		st, raw := b.post(ds.PathPriceList, fmt.Sprintf(`{"command":"prepaid","username":%q,"code":"s5","sign":%q}`, u, ds.Sign(u, key, "pricelist")))
		if st != 200 || !strings.Contains(string(raw), `"code":"s5","status":false`) {
			t.Fatalf("price list during gangguan: %d %s", st, raw)
		}
		bal, orders := b.Balance(b.T), b.OrderCount(b.T)
		b.wantRC(ds.PathTransaction, trx("g1", `,"code":"s5","customer_no":"081234567890"`), "55")
		b.wantRC(ds.PathTransaction, trx("g2", `,"code":"s50","customer_no":"085712345678"`), "52")
		if b.Balance(b.T) != bal || b.OrderCount(b.T) != orders {
			t.Fatal("a refused transaction changed the balance or the orders")
		}
		b.sup.mu.Lock()
		b.sup.down = nil
		b.sup.mu.Unlock()
		b.wantRC(ds.PathTransaction, trx("g1", `,"code":"s5","customer_no":"081234567890"`), ds.RCPending)
		b.CheckLedger(b.T)
	})
}
