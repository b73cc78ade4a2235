package digiflazz_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/store"
)

// FuzzTransactionSign sends transactions with arbitrary usernames, signs and ref_ids through the
// real handler: unless the sign is the reseller's own for that ref_id, the answer is a refusal
// (rc 40, 41 or 42) and no order is placed.
func FuzzTransactionSign(f *testing.F) {
	fx := setup(f, digiflazz.Options{})
	h := digiflazz.New(fx.svc, digiflazz.Options{})
	user, key := fx.cr.Reseller.Username, fx.cr.APIKey
	f.Add(user, wire.Sign(user, key, "ref-1"), "ref-1")
	f.Add(user, strings.ToUpper(wire.Sign(user, key, "ref-2")), "ref-2")
	f.Add(user, wire.Sign(user, key, "ref-3"), "ref-4")
	f.Add(user, "", "ref-5")
	f.Add(user+"' OR '1'='1", wire.Sign(user, key, "x"), "x")
	f.Fuzz(func(t *testing.T, username, sign, ref string) {
		body, _ := json.Marshal(wire.TransactionRequest{Username: username, BuyerSKUCode: "s5", CustomerNo: "081234567890", RefID: ref, Sign: sign})
		r := httptest.NewRequest(http.MethodPost, "/v1/transaction", strings.NewReader(string(body)))
		r.RemoteAddr = "127.0.0.1:40000"
		w := httptest.NewRecorder()
		before := countOrders(t, fx.db)
		h.ServeHTTP(w, r)
		var env struct {
			Data wire.ErrorData `json:"data"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
			t.Fatalf("answer is not the envelope: %d %s", w.Code, w.Body.Bytes())
		}
		if username == user && wire.SignMatches(sign, user, key, ref) {
			return // a signed order: placed or refused on its merits
		}
		switch env.Data.RC {
		case wire.RCPayload, wire.RCSign, wire.RCUsername:
		default:
			t.Fatalf("unsigned transaction (user %q sign %q ref %q) answered %d %s", username, sign, ref, w.Code, w.Body.Bytes())
		}
		if after := countOrders(t, fx.db); after != before {
			t.Fatalf("a refused transaction changed the orders: %d -> %d", before, after)
		}
	})
}

func countOrders(t *testing.T, db *store.DB) int64 {
	t.Helper()
	counts, err := db.OrderCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, c := range counts {
		n += c
	}
	return n
}
