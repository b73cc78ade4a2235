package digiflazz_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// gangguanRouter is the simulator with a switch: while down is set, every variant it names has no
// supplier able to take it (what route.Router reports when every supplier is out).
type gangguanRouter struct {
	core.Router
	mu   sync.Mutex
	down map[int64]bool
}

func (r *gangguanRouter) Unavailable(context.Context) (map[int64]bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.down, nil
}

func (r *gangguanRouter) set(down map[int64]bool) {
	r.mu.Lock()
	r.down = down
	r.mu.Unlock()
}

// Gangguan: a variant no supplier can take shows unavailable in the price list (buyer and
// seller status false) and its transactions are refused with rc 55, changing nothing; a number
// of another operator is rc 52.
func TestGangguanAndWrongOperator(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		rt := &gangguanRouter{Router: simroute.New(0)}
		f := setupRouter(t, be, rt, digiflazz.Options{})
		v, err := f.Svc.Variant(context.Background(), "s5")
		if err != nil {
			t.Fatal(err)
		}
		rt.set(map[int64]bool{v.ID: true})
		st, raw := f.post(t, "/v1/price-list", map[string]any{"cmd": "prepaid", "username": f.Reseller.Reseller.Username, "sign": f.sign("pricelist"), "code": "s5"})
		if st != http.StatusOK || !strings.Contains(raw, `"buyer_sku_code":"s5","buyer_product_status":false,"seller_product_status":false`) {
			t.Fatalf("price list during gangguan: %d %s", st, raw)
		}
		before := f.state(t)
		if _, a := f.rc(t, "/v1/transaction", f.tx("s5", "081234567890", "g1")); a.RC != "55" || a.Status != "Gagal" {
			t.Fatalf("transaction during gangguan: %+v", a)
		}
		if _, a := f.rc(t, "/v1/transaction", f.tx("s50", "085712345678", "g2")); a.RC != "52" || a.Status != "Gagal" {
			t.Fatalf("number of another operator: %+v", a)
		}
		if after := f.state(t); after != before {
			t.Fatalf("refusals changed state: %+v -> %+v", before, after)
		}
		rt.set(nil)
		if _, a := f.rc(t, "/v1/transaction", f.tx("s5", "081234567890", "g1")); a.RC != "03" {
			t.Fatalf("after the gangguan: %+v", a)
		}
		f.CheckLedger(t)
	})
}
