package digiflazz_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/store"
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
