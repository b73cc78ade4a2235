package bill_test

import (
	"testing"

	"github.com/kios-h2h/kios/internal/bill"
)

func TestPrices(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		amount, penalty     int64
		sheets              int
		admin, commission   int64
		wantAdmin, wantComm int64
		wantPrice, wantSell int64
	}{
		{406000, 0, 1, 2500, 100, 2500, 100, 408400, 408500},
		{100000, 3000, 2, 2500, 100, 5000, 200, 107800, 108000},
		{50000, 0, 0, 3000, 150, 3000, 150, 52850, 53000}, // no sheet count: one
		{0, 0, 1, 100, 500, 100, 500, 0, 100},             // commission above the bill: never negative
	} {
		a, co, p, s := bill.Prices(c.amount, c.penalty, c.sheets, c.admin, c.commission)
		if a != c.wantAdmin || co != c.wantComm || p != c.wantPrice || s != c.wantSell {
			t.Errorf("%+v: got admin %d commission %d price %d selling %d", c, a, co, p, s)
		}
	}
}

func TestPaidKey(t *testing.T) {
	t.Parallel()
	if bill.PaidKey("2025-06-10") != "bill:2025-06" || bill.PaidKey("2025-06-30") != bill.PaidKey("2025-06-01") {
		t.Fatal("one key per month")
	}
}

func TestDescFor(t *testing.T) {
	t.Parallel()
	q := bill.Inquiry{Desc: []byte(`{"a":1}`), PaidDesc: []byte(`{"a":2}`)}
	if string(q.DescFor(false)) != `{"a":1}` || string(q.DescFor(true)) != `{"a":2}` {
		t.Fatal("desc")
	}
	if string((&bill.Inquiry{}).DescFor(true)) != `{}` {
		t.Fatal("empty desc must still be an object")
	}
}
