package basstore_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestCheckID: POST /api/v1/check-id by variant or product code answers the nickname (the
// simulator's), 422 "ID tidak ditemukan" for an ID that does not exist, 404 for an unknown code,
// 400 without a destination, 401 without a token; it moves no money.
func TestCheckID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := basstoretest.New(t, basstoretest.Config{Backend: b})
		e.Fund(t, e.A, 100000)
		st, body := call(t, e, "POST", "/api/v1/check-id", e.A.Token, `{"code":"MLBB_ID_5","data":" 12345678(1234) "}`)
		var ok struct {
			Data struct {
				Valid    bool   `json:"valid"`
				Nickname string `json:"nickname"`
				Data     string `json:"data"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &ok); st != 200 || err != nil || !ok.Data.Valid || ok.Data.Nickname == "" || ok.Data.Data != "12345678(1234)" {
			t.Fatalf("valid ID: %d %s", st, body)
		}
		st, body2 := call(t, e, "POST", "/api/v1/check-id", e.A.Token, `{"code":"mobile-legends","data":"12345678(1234)"}`)
		if st != 200 || string(body2) != string(body) {
			t.Errorf("by product code: %d %s, want %s", st, body2, body)
		}
		for _, c := range []struct {
			body string
			want int
		}{
			{`{"code":"MLBB_ID_5","data":"12340000(1234)"}`, 422},
			{`{"code":"NOPE","data":"12345678(1234)"}`, 404},
			{`{"code":"MLBB_ID_5","data":""}`, 400},
			{`{"code":"MLBB_ID_5"`, 400},
		} {
			if st, body := call(t, e, "POST", "/api/v1/check-id", e.A.Token, c.body); st != c.want {
				t.Errorf("%s: %d %s, want %d", c.body, st, body, c.want)
			}
		}
		if st, body := call(t, e, "POST", "/api/v1/check-id", e.A.Token, `{"code":"MLBB_ID_5","data":"12340000(1234)"}`); st != 422 || !json.Valid(body) ||
			!containsMsg(body, "ID tidak ditemukan") {
			t.Errorf("invalid ID message: %s", body)
		}
		if st, _ := call(t, e, "POST", "/api/v1/check-id", "", `{"code":"MLBB_ID_5","data":"12345678(1234)"}`); st != 401 {
			t.Errorf("without a token: %d", st)
		}
		if bal, err := e.DB.Balance(t.Context(), ledger.AvailableCode(e.A.Reseller.ID)); err != nil || bal != 100000 {
			t.Errorf("a check moved money: %d %v", bal, err)
		}
	})
}

func containsMsg(body []byte, msg string) bool {
	var env struct {
		Message string `json:"message"`
	}
	return json.Unmarshal(body, &env) == nil && env.Message == msg
}

// TestRequireValidID: an order to an ID the check says does not exist, for a product with
// require_valid_id on, is 422 "ID tidak ditemukan" with nothing held and no order recorded.
func TestRequireValidID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := basstoretest.New(t, basstoretest.Config{Backend: b})
		e.Fund(t, e.A, 100000)
		if err := e.Svc.SetRequireValidID(t.Context(), "mobile-legends", true); err != nil {
			t.Fatal(err)
		}
		st, body := call(t, e, "POST", "/api/v1/order", e.A.Token, `{"code":"MLBB_ID_5","referenceNumber":"v1","data":"12340000(1234)"}`)
		if st != 422 || !containsMsg(body, "ID tidak ditemukan") {
			t.Fatalf("missing ID: %d %s", st, body)
		}
		if e.Balance(t, e.A) != 100000 || e.OrderCount(t) != 0 {
			t.Fatalf("a refused order held %d or was recorded (%d)", 100000-e.Balance(t, e.A), e.OrderCount(t))
		}
		if st, body := call(t, e, "POST", "/api/v1/order", e.A.Token, `{"code":"MLBB_ID_5","referenceNumber":"v2","data":"12345678(1234)"}`); st != 200 {
			t.Fatalf("existing ID: %d %s", st, body)
		}
		e.CheckLedger(t)
	})
}

// TestCheckIDRateLimitPerCaller: the checks a reseller makes are limited per reseller (a burst
// of ten, then one a second): past the burst its uncached checks are refused with 429 while
// another reseller's still pass, and an answer already cached is given to anyone.
func TestCheckIDRateLimitPerCaller(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := basstoretest.New(t, basstoretest.Config{Backend: b})
		limited := 0
		for i := 0; i < 14; i++ {
			body := fmt.Sprintf(`{"code":"MLBB_ID_5","data":"1234%04d(1234)"}`, i+1)
			switch st, resp := call(t, e, "POST", "/api/v1/check-id", e.A.Token, body); st {
			case 200:
			case 429:
				limited++
			default:
				t.Fatalf("check %d: %d %s", i, st, resp)
			}
		}
		if limited < 3 {
			t.Fatalf("%d of 14 quick checks refused, want at least 3 past a burst of 10", limited)
		}
		if st, resp := call(t, e, "POST", "/api/v1/check-id", e.B.Token, `{"code":"MLBB_ID_5","data":"99990001(1)"}`); st != 200 {
			t.Fatalf("another reseller was limited: %d %s", st, resp)
		}
		if st, resp := call(t, e, "POST", "/api/v1/check-id", e.A.Token, `{"code":"MLBB_ID_5","data":"12340001(1234)"}`); st != 200 {
			t.Fatalf("a cached answer was refused: %d %s", st, resp)
		}
	})
}
