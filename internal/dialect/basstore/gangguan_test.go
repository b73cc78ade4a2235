package basstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// gangguanRouter is the simulator with a switch: the variants in down have no supplier able to
// take them (what the supplier router reports when every supplier is out).
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

// Gangguan: a variant no supplier can take is "inactive" in /api/v1/variant and its orders get
// 422 before any hold; a number of another operator than a pulsa product's is 422 too; both
// change nothing, and the variant sells again when a supplier is back.
func TestGangguanAndWrongOperator(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		rt := &gangguanRouter{Router: simroute.New(0)}
		e := basstoretest.New(t, basstoretest.Config{Backend: b, Router: rt})
		e.Fund(t, e.A, 100000)
		v, err := e.Svc.Variant(context.Background(), "FF_5")
		if err != nil {
			t.Fatal(err)
		}
		rt.mu.Lock()
		rt.down = map[int64]bool{v.ID: true}
		rt.mu.Unlock()
		st, body := call(t, e, "POST", "/api/v1/variant", e.A.Token, `{"code":"free-fire"}`)
		if st != 200 || !strings.Contains(string(body), `"code":"FF_5"`) || !strings.Contains(string(body), `"is_active":"inactive"`) {
			t.Fatalf("variant list during gangguan: %d %s", st, body)
		}
		before, orders := e.Balance(t, e.A), e.OrderCount(t)
		st, body = call(t, e, "POST", "/api/v1/order", e.A.Token, `{"code":"FF_5","referenceNumber":"g1","data":"123456789"}`)
		if st != 422 || !containsMsg(body, "Variant is temporarily unavailable (gangguan), try again later") {
			t.Fatalf("order during gangguan: %d %s", st, body)
		}
		st, body = call(t, e, "POST", "/api/v1/order", e.A.Token, `{"code":"S5","referenceNumber":"g2","data":"085712345678"}`)
		if st != 422 || !containsMsg(body, "Nomor tidak sesuai operator") {
			t.Fatalf("number of another operator: %d %s", st, body)
		}
		if e.Balance(t, e.A) != before || e.OrderCount(t) != orders {
			t.Fatal("a refused order changed the balance or the orders")
		}
		rt.mu.Lock()
		rt.down = nil
		rt.mu.Unlock()
		if st, body := call(t, e, "POST", "/api/v1/order", e.A.Token, `{"code":"FF_5","referenceNumber":"g1","data":"123456789"}`); st != 200 {
			t.Fatalf("after the gangguan: %d %s", st, body)
		}
		e.CheckLedger(t)
	})
}
