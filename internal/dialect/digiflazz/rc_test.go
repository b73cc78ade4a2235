package digiflazz_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// answer is the part of every answer the rc tests read.
type answer struct {
	RC             string `json:"rc"`
	Status         string `json:"status"`
	Message        string `json:"message"`
	BuyerLastSaldo int64  `json:"buyer_last_saldo"`
}

func (f *fixture) rc(t *testing.T, path string, body any) (int, answer) {
	t.Helper()
	st, raw := f.post(t, path, body)
	var env wire.Envelope[answer]
	if err := json.Unmarshal([]byte(raw), &env); err != nil {
		t.Fatalf("%s: answer %s: %v", path, raw, err)
	}
	return st, env.Data
}

// state is what a refused request must leave as it was.
type state struct {
	balance int64
	orders  int
	stock   int64 // ml5's stock
}

func (f *fixture) state(t *testing.T) state {
	t.Helper()
	v, err := f.Svc.Variant(context.Background(), "ml5")
	if err != nil {
		t.Fatal(err)
	}
	return state{balance: f.Balance(t), orders: len(f.orders(t)), stock: v.Stock}
}

// TestRefusalsChangeNothing sends every kind of bad request and checks its rc, its status word,
// HTTP 200, and that balance, orders and stock are as before.
func TestRefusalsChangeNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		f := setupOn(t, b, digiflazz.Options{})
		ctx := context.Background()
		far := f.restrictedReseller(t)
		sleeper, err := f.Svc.CreateReseller(ctx, core_NewReseller("sleeper"))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Svc.SetStatus(ctx, "sleeper", reseller.Suspended); err != nil {
			t.Fatal(err)
		}
		poor, err := f.Svc.CreateReseller(ctx, core_NewReseller("poorbuyer"))
		if err != nil {
			t.Fatal(err)
		}

		// Orders and an inquiry that the later cases collide with.
		for _, req := range []map[string]any{f.tx("s50", "081299990001", "once"), f.tx("ml5", "12345678(1234)", "last")} {
			if st, a := f.rc(t, "/v1/transaction", req); st != 200 || a.RC != "03" {
				t.Fatalf("setup order: %d %+v", st, a)
			}
		}
		inq := f.tx("pln", "530000000001", "inq")
		inq["commands"] = "inq-pasca"
		if st, a := f.rc(t, "/v1/transaction", inq); st != 200 || a.RC != "00" {
			t.Fatalf("setup inquiry: %d %+v", st, a)
		}

		with := func(m map[string]any, kv ...any) map[string]any {
			for i := 0; i < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		}
		u := f.Reseller.Reseller.Username
		cases := []struct {
			name, path string
			body       any
			rc         string
		}{
			{"malformed json", "/v1/transaction", `{"username":`, "40"},
			{"not an object", "/v1/cek-saldo", `[1,2]`, "40"},
			{"wrong type", "/v1/transaction", with(f.tx("s5", "0812", "w1"), "max_price", "5000"), "40"},
			{"body too large", "/v1/cek-saldo", `{"cmd":"deposit","pad":"` + strings.Repeat("x", 70<<10) + `"}`, "40"},
			{"no username", "/v1/cek-saldo", map[string]any{"cmd": "deposit", "sign": f.sign("depo")}, "40"},
			{"no sign", "/v1/cek-saldo", map[string]any{"cmd": "deposit", "username": u}, "40"},
			{"bad cmd", "/v1/cek-saldo", map[string]any{"cmd": "saldo", "username": u, "sign": f.sign("depo")}, "40"},
			{"bad price-list cmd", "/v1/price-list", map[string]any{"cmd": "all", "username": u, "sign": f.sign("pricelist")}, "40"},
			{"no sku", "/v1/transaction", f.tx("", "0812", "w2"), "40"},
			{"no customer_no", "/v1/transaction", f.tx("s5", "", "w3"), "40"},
			{"no ref_id", "/v1/transaction", f.tx("s5", "0812", ""), "40"},
			{"ref_id with space", "/v1/transaction", f.tx("s5", "0812", "a b"), "40"},
			{"bad cb_url", "/v1/transaction", with(f.tx("s5", "0812", "w4"), "cb_url", "ftp://x"), "40"},
			{"negative max_price", "/v1/transaction", with(f.tx("s5", "0812", "w5"), "max_price", -1), "40"},
			{"bad commands", "/v1/transaction", with(f.tx("pln", "5300", "w6"), "commands", "pln-subscribe"), "40"},
			{"deposit amount", "/v1/deposit", map[string]any{"username": u, "amount": 0, "bank": "BCA", "owner_name": "B", "sign": f.sign("deposit")}, "40"},
			{"deposit bank", "/v1/deposit", map[string]any{"username": u, "amount": 10000, "owner_name": "B", "sign": f.sign("deposit")}, "40"},
			{"deposit owner", "/v1/deposit", map[string]any{"username": u, "amount": 10000, "bank": "BCA", "sign": f.sign("deposit")}, "40"},
			{"pln no customer", "/v1/inquiry-pln", map[string]any{"username": u, "customer_no": "", "sign": f.sign("")}, "40"},
			{"sign of another endpoint", "/v1/cek-saldo", map[string]any{"cmd": "deposit", "username": u, "sign": f.sign("pricelist")}, "41"},
			{"deposit signed as cek-saldo", "/v1/deposit", map[string]any{"username": u, "amount": 10000, "bank": "BCA", "owner_name": "B", "sign": f.sign("depo")}, "41"},
			{"tx sign of another ref", "/v1/transaction", with(f.tx("s5", "0812", "w7"), "sign", f.sign("w8")), "41"},
			{"tx sign with another key", "/v1/transaction", with(f.tx("s5", "0812", "w7"), "sign", wire.Sign(u, "dev-key", "w7")), "41"},
			{"pln sign", "/v1/inquiry-pln", map[string]any{"username": u, "customer_no": "123", "sign": f.sign("124")}, "41"},
			{"unknown username", "/v1/transaction", map[string]any{"username": "ghost", "buyer_sku_code": "s5", "customer_no": "0812", "ref_id": "g", "sign": "x"}, "41"}, // issue 14: answered as a wrong sign,
			{"suspended, wrong sign", "/v1/cek-saldo", map[string]any{"cmd": "deposit", "username": "sleeper", "sign": "x"}, "41"},
			{"suspended", "/v1/cek-saldo", map[string]any{"cmd": "deposit", "username": "sleeper", "sign": wire.Sign("sleeper", sleeper.APIKey, "depo")}, "42"},
			{"unknown sku", "/v1/transaction", f.tx("nope", "0812", "w9"), "43"},
			{"inactive sku", "/v1/transaction", f.tx("s1off", "0812", "w10"), "43"},
			{"no price for tier", "/v1/transaction", f.tx("mlgold", "0812", "w11"), "43"},
			{"postpaid sku as prepaid", "/v1/transaction", f.tx("pln", "5300", "w12"), "43"},
			{"inq-pasca of a prepaid sku", "/v1/transaction", with(f.tx("s5", "530000000001", "w13"), "commands", "inq-pasca"), "43"},
			{"inq-pasca of an unknown sku", "/v1/transaction", with(f.tx("nope", "530000000001", "w13"), "commands", "inq-pasca"), "43"},
			{"inq-pasca bad cb_url", "/v1/transaction", with(f.tx("pln", "530000000001", "w13"), "commands", "inq-pasca", "cb_url", "x"), "40"},
			{"inq-pasca no customer_no", "/v1/transaction", with(f.tx("pln", "", "w13"), "commands", "inq-pasca"), "40"},
			{"inq-pasca ref of a prepaid order", "/v1/transaction", with(f.tx("pln", "530000000001", "once"), "commands", "inq-pasca"), "49"},
			{"inq-pasca ref inquired for another customer", "/v1/transaction", with(f.tx("pln", "530000000002", "inq"), "commands", "inq-pasca"), "49"},
			{"pay-pasca without inquiry", "/v1/transaction", with(f.tx("pln", "530000000001", "w19"), "commands", "pay-pasca"), "50"},
			{"pay-pasca for another customer", "/v1/transaction", with(f.tx("pln", "530000000002", "inq"), "commands", "pay-pasca"), "49"},
			{"status-pasca without inquiry", "/v1/transaction", with(f.tx("pln", "530000000001", "w20"), "commands", "status-pasca"), "50"},
			{"status-pasca not paid", "/v1/transaction", with(f.tx("pln", "530000000001", "inq"), "commands", "status-pasca"), "50"},
			{"status-pasca for another sku", "/v1/transaction", with(f.tx("s5", "530000000001", "inq"), "commands", "status-pasca"), "49"},
			{"no bill", "/v1/transaction", with(f.tx("pln", "530000010000", "w21"), "commands", "inq-pasca"), "60"},
			{"insufficient balance", "/v1/transaction", map[string]any{"username": "poorbuyer", "buyer_sku_code": "s5", "customer_no": "0812", "ref_id": "p", "sign": wire.Sign("poorbuyer", poor.APIKey, "p")}, "44"},
			{"ip not allowed", "/v1/transaction", map[string]any{"username": "faraway", "buyer_sku_code": "s5", "customer_no": "0812", "ref_id": "f", "sign": wire.Sign("faraway", far.APIKey, "f")}, "41"},
			{"ip not allowed, bad sign", "/v1/cek-saldo", map[string]any{"cmd": "deposit", "username": "faraway", "sign": "x"}, "41"},
			{"ref reused: other customer", "/v1/transaction", f.tx("s50", "081299990002", "once"), "49"},
			{"ref reused: other sku", "/v1/transaction", f.tx("s5", "081299990001", "once"), "49"},
			{"ref reused: testing", "/v1/transaction", with(f.tx("s50", "081299990001", "once"), "testing", true), "49"},
			{"dot without allow_dot", "/v1/transaction", f.tx("s5", "budi.santoso", "w14"), "54"},
			{"cut-off", "/v1/transaction", f.tx("s20", "0812", "w15"), "58"},
			{"not multi", "/v1/transaction", f.tx("s50", "081299990001", "twice"), "63"},
			{"out of stock", "/v1/transaction", f.tx("ml5", "87654321(4321)", "w16"), "68"},
			{"above max_price", "/v1/transaction", with(f.tx("s5", "0812", "w17"), "max_price", 5004), "69"},
			{"deposit too small", "/v1/deposit", map[string]any{"username": u, "amount": 9999, "bank": "BCA", "owner_name": "B", "sign": f.sign("deposit")}, "40"},
			{"deposit amount not a number", "/v1/deposit", map[string]any{"username": u, "amount": "50000", "bank": "BCA", "owner_name": "B", "sign": f.sign("deposit")}, "40"},
			{"pln customer format", "/v1/inquiry-pln", map[string]any{"username": u, "customer_no": "123", "sign": f.sign("123")}, "54"},
			{"pln unknown customer", "/v1/inquiry-pln", map[string]any{"username": u, "customer_no": "123456780000", "sign": f.sign("123456780000")}, "54"},
		}
		for _, c := range cases {
			before := f.state(t)
			st, a := f.rc(t, c.path, c.body)
			if st != http.StatusOK || a.RC != c.rc || a.Status != "Gagal" || a.Message == "" {
				t.Errorf("%s: HTTP %d %+v, want rc %s Gagal", c.name, st, a, c.rc)
			}
			if after := f.state(t); after != before {
				t.Errorf("%s: state changed: %+v -> %+v", c.name, before, after)
			}
		}
		// A transaction refused after the caller is known shows its balance.
		if _, a := f.rc(t, "/v1/transaction", f.tx("nope", "0812", "w18")); a.BuyerLastSaldo != f.Balance(t) {
			t.Errorf("buyer_last_saldo %d, balance %d", a.BuyerLastSaldo, f.Balance(t))
		}
		// allow_dot lets a customer number with dots through.
		if _, a := f.rc(t, "/v1/transaction", with(f.tx("s5", "budi.santoso", "dot"), "allow_dot", true)); a.RC != "03" {
			t.Errorf("allow_dot: %+v", a)
		}
		f.CheckLedger(t)
	})
}

// TestConcurrentResend sends the same transaction many times at once: one order, one hold.
func TestConcurrentResend(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{})
	req := f.tx("s5", "081234567890", "same")
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		go func() {
			_, a := f.rc(t, "/v1/transaction", req)
			if a.RC != "03" {
				errs <- fmt.Errorf("rc %s: %s", a.RC, a.Message)
				return
			}
			errs <- nil
		}()
	}
	for i := 0; i < 20; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := len(f.orders(t)); n != 1 {
		t.Fatalf("%d orders", n)
	}
	if b := f.Balance(t); b != startBalance-5005 {
		t.Fatalf("balance %d", b)
	}
	f.CheckLedger(t)
}

// TestDepositTicketLimit: a reseller with too many open tickets is refused (rc 64), and the
// refusal opens nothing.
func TestDepositTicketLimit(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{})
	req := map[string]any{"username": "buyer1", "amount": 50000, "bank": "BCA", "owner_name": "Budi", "sign": f.sign("deposit")}
	var amounts []int64
	for i := 0; i < deposit.MaxOpenPerReseller; i++ {
		_, raw := f.post(t, "/v1/deposit", req)
		var env wire.Envelope[wire.DepositData]
		if err := json.Unmarshal([]byte(raw), &env); err != nil || env.Data.RC != "00" {
			t.Fatalf("ticket %d: %s", i, raw)
		}
		amounts = append(amounts, env.Data.Amount)
	}
	seen := map[int64]bool{}
	for _, a := range amounts {
		if seen[a] || a <= 50000 || a > 50000+deposit.MaxTail {
			t.Fatalf("amounts %v: each open ticket needs its own unique amount", amounts)
		}
		seen[a] = true
	}
	if st, a := f.rc(t, "/v1/deposit", req); st != 200 || a.RC != "64" || a.Status != "Gagal" {
		t.Fatalf("one ticket too many: %d %+v", st, a)
	}
	ts, err := f.Svc.Tickets(context.Background(), store.TicketFilter{})
	if err != nil || len(ts) != deposit.MaxOpenPerReseller {
		t.Fatalf("%d tickets %v", len(ts), err)
	}
	if b := f.Balance(t); b != startBalance {
		t.Fatalf("balance %d", b)
	}
}
