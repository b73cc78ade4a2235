package registry_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	dfz "github.com/kios-h2h/kios/client/digiflazz"
	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// gangguanRouter is the simulator with a switch: the variants in down have no supplier able to
// take them (what route.Router reports when every supplier is out).
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

// gangguanDialect is how one dialect shows a disrupted variant and answers orders.
type gangguanDialect struct {
	name string
	// unavailable reports whether the dialect's product list shows s5 unavailable, and what it said.
	unavailable func(t *testing.T, k *kiostest.Kit) (bool, string)
	// order sends an order of code to number under ref and reads the answer: gangguan (the
	// variant is disrupted), wrongOperator (a number of another operator), accepted, and what it said.
	order func(t *testing.T, k *kiostest.Kit, code, ref, number string) (answer gangguanAnswer, raw string)
}

type gangguanAnswer int

const (
	answerOther gangguanAnswer = iota
	answerGangguan
	answerWrongOperator
	answerAccepted
)

// flazzRC reads a Digiflazz-family answer: HTTP 200, rc and its status word.
func flazzRC(t *testing.T, k *kiostest.Kit, path, body string) (rc, status string, raw string) {
	t.Helper()
	st, a, raw := flazzCall(t, k, path, body)
	if st != http.StatusOK {
		return "", "", raw
	}
	return a.RC, a.Status, raw
}

var gangguanDialects = []gangguanDialect{
	{
		name: "basstore",
		unavailable: func(t *testing.T, k *kiostest.Kit) (bool, string) {
			st, raw := post(t, k, "/api/v1/variant", bearer(k), `{"code":"telkomsel"}`)
			var env struct {
				Data []struct {
					Code     string `json:"code"`
					IsActive string `json:"is_active"`
				} `json:"data"`
			}
			if st != http.StatusOK || json.Unmarshal([]byte(raw), &env) != nil {
				return false, raw
			}
			for _, v := range env.Data {
				if v.Code == "s5" {
					return v.IsActive == "inactive", raw
				}
			}
			return false, raw
		},
		order: func(t *testing.T, k *kiostest.Kit, code, ref, number string) (gangguanAnswer, string) {
			st, raw := post(t, k, "/api/v1/order", bearer(k), fmt.Sprintf(`{"code":%q,"referenceNumber":%q,"data":%q}`, code, ref, number))
			var env struct {
				Message string `json:"message"`
			}
			_ = json.Unmarshal([]byte(raw), &env)
			switch {
			case st == http.StatusOK:
				return answerAccepted, raw
			case st == http.StatusUnprocessableEntity && env.Message == "Variant is temporarily unavailable (gangguan), try again later":
				return answerGangguan, raw
			case st == http.StatusUnprocessableEntity && env.Message == "Nomor tidak sesuai operator":
				return answerWrongOperator, raw
			}
			return answerOther, raw
		},
	},
	{
		name: "digiflazz",
		unavailable: func(t *testing.T, k *kiostest.Kit) (bool, string) {
			u := k.Reseller.Reseller.Username
			st, raw := post(t, k, "/v1/price-list", nil,
				fmt.Sprintf(`{"cmd":"prepaid","username":%q,"sign":%q,"code":"s5"}`, u, dfz.Sign(u, k.Reseller.APIKey, "pricelist")))
			return st == http.StatusOK && strings.Contains(raw, `"buyer_sku_code":"s5","buyer_product_status":false,"seller_product_status":false`), raw
		},
		order: func(t *testing.T, k *kiostest.Kit, code, ref, number string) (gangguanAnswer, string) {
			rc, status, raw := flazzRC(t, k, "/v1/transaction", flazzTrxOf(k, flazzDialects[0], code, number, ref))
			return flazzAnswerOf(rc, status, dfz.StatusFailed), raw
		},
	},
	{
		name: "digiswitch",
		unavailable: func(t *testing.T, k *kiostest.Kit) (bool, string) {
			u := k.Reseller.Reseller.Username
			st, raw := post(t, k, ds.PathPriceList, nil,
				fmt.Sprintf(`{"command":"prepaid","username":%q,"code":"s5","sign":%q}`, u, ds.Sign(u, k.Reseller.APIKey, "pricelist")))
			return st == http.StatusOK && strings.Contains(raw, `"code":"s5","status":false`), raw
		},
		order: func(t *testing.T, k *kiostest.Kit, code, ref, number string) (gangguanAnswer, string) {
			rc, status, raw := flazzRC(t, k, ds.PathTransaction, flazzTrxOf(k, flazzDialects[1], code, number, ref))
			if status != ds.StatusOf(rc) {
				return answerOther, raw
			}
			return flazzAnswerOf(rc, status, ds.StatusOf(ds.RCProduct)), raw
		},
	},
}

// flazzAnswerOf reads the Digiflazz family's rc: 55 gangguan, 52 another operator (each with the
// failed status word), 03 accepted.
func flazzAnswerOf(rc, status, failed string) gangguanAnswer {
	switch {
	case rc == "03":
		return answerAccepted
	case rc == "55" && status == failed:
		return answerGangguan
	case rc == "52" && status == failed:
		return answerWrongOperator
	}
	return answerOther
}

// bearer is the kit reseller's BASSTORE authorization.
func bearer(k *kiostest.Kit) map[string]string {
	return map[string]string{"Authorization": "Bearer " + k.Reseller.Token}
}

// flazzTrxOf is a transaction of code to number under ref, signed by the kit's reseller, as d words it.
func flazzTrxOf(k *kiostest.Kit, d flazzDialect, code, number, ref string) string {
	u, key := k.Reseller.Reseller.Username, k.Reseller.APIKey
	return fmt.Sprintf(`{"username":%q,%q:%q,"customer_no":%q,"ref_id":%q,"sign":%q}`, u, d.sku, code, number, ref, d.sign(u, key, ref))
}

// TestGangguanAndWrongOperator: in each dialect, a variant no supplier can take shows unavailable
// in the product list and its orders are refused with the dialect's gangguan answer (BASSTORE
// 422, the Digiflazz family rc 55) before any hold; a number of another operator than a pulsa
// product's is refused too (422, rc 52); neither changes the database, and the variant sells
// again, under the same reference, when a supplier is back. One table for BASSTORE, Digiflazz
// and Digiswitch, which had a copy each.
func TestGangguanAndWrongOperator(t *testing.T) {
	t.Parallel()
	for _, d := range gangguanDialects {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, be storetest.Backend) {
				rt := &gangguanRouter{Router: simroute.New(0)}
				k := kiostest.Setup(t, kiostest.Options{Backend: &be, Router: rt})
				v, err := k.Svc.Variant(context.Background(), "s5")
				if err != nil {
					t.Fatal(err)
				}
				rt.set(map[int64]bool{v.ID: true})
				if ok, raw := d.unavailable(t, k); !ok {
					t.Fatalf("product list during gangguan: %s", raw)
				}
				before := storetest.Dump(t, k.DB)
				if a, raw := d.order(t, k, "s5", "g1", "081234567890"); a != answerGangguan {
					t.Fatalf("order during gangguan: %s", raw)
				}
				if a, raw := d.order(t, k, "s10", "g2", "085712345678"); a != answerWrongOperator {
					t.Fatalf("number of another operator: %s", raw)
				}
				if after := storetest.Dump(t, k.DB); after != before {
					t.Fatalf("a refused order changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
				}
				rt.set(nil)
				if a, raw := d.order(t, k, "s5", "g1", "081234567890"); a != answerAccepted {
					t.Fatalf("after the gangguan: %s", raw)
				}
				k.CheckLedger(t)
			})
		})
	}
}
