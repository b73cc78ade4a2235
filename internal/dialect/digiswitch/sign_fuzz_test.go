package digiswitch_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/dialect/digiswitch"
	"github.com/kios-h2h/kios/internal/store"
)

// FuzzTransactionSign sends transactions with arbitrary usernames, signs and ref_ids through the
// real handler: unless the sign is the reseller's own for that ref_id, the answer is a refusal
// (rc 40, 41 or 42) and no order is placed.
func FuzzTransactionSign(f *testing.F) {
	b := setup(f, setupOpts{})
	h := digiswitch.New(b.svc, digiswitch.Options{PriceListEvery: -1})
	user, key := b.user(), b.cr.APIKey
	f.Add(user, ds.Sign(user, key, "ref-1"), "ref-1")
	f.Add(user, strings.ToUpper(ds.Sign(user, key, "ref-2")), "ref-2")
	f.Add(user, ds.Sign(user, key, "ref-3"), "ref-4")
	f.Add(user, "", "ref-5")
	f.Add("TOKOBUDI", ds.Sign(user, key, "ref-6"), "ref-6")
	f.Add(user+"' OR '1'='1", ds.Sign(user, key, "x"), "x")
	f.Fuzz(func(t *testing.T, username, sign, ref string) {
		body, _ := json.Marshal(ds.TransactionRequest{Username: username, Code: "s5", CustomerNo: "081234567890", RefID: ref, Sign: sign})
		r := httptest.NewRequest(http.MethodPost, ds.PathTransaction, strings.NewReader(string(body)))
		r.RemoteAddr = "127.0.0.1:40000"
		w := httptest.NewRecorder()
		before := orders(t, b.db)
		h.ServeHTTP(w, r)
		var env ds.Envelope[ds.ErrorData]
		if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
			t.Fatalf("answer is not the envelope: %d %s", w.Code, w.Body.Bytes())
		}
		valid := username == user && strings.EqualFold(strings.TrimSpace(sign), ds.Sign(user, key, ref)) && strings.TrimSpace(ref) != ""
		if valid {
			return // a signed order: placed or refused on its merits
		}
		switch env.Data.RC {
		case ds.RCPayload, ds.RCSign, ds.RCUsername:
		default:
			t.Fatalf("unsigned transaction (user %q sign %q ref %q) answered %d %s", username, sign, ref, w.Code, w.Body.Bytes())
		}
		if after := orders(t, b.db); after != before {
			t.Fatalf("a refused transaction changed the orders: %d -> %d", before, after)
		}
	})
}

func orders(t *testing.T, db *store.DB) int64 {
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
