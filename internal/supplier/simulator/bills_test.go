package simulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/simulator"
)

func TestBillsDeterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2025, 3, 15, 12, 0, 0, 0, time.UTC)
	sim := &simulator.Simulator{Now: func() time.Time { return now }}
	for _, product := range []string{"PLN", "PDAM", "BPJS"} {
		req := supplier.BillRequest{Product: product, SKU: "x", CustomerNo: "530000000001", AdminPerSheet: 2500}
		a, err := sim.Inquire(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := sim.Inquire(ctx, req)
		if string(a.Desc) != string(b.Desc) || a.Amount != b.Amount || a.CustomerName != b.CustomerName {
			t.Errorf("%s: two inquiries differ", product)
		}
		if a.Amount <= 0 || a.Sheets < 1 || a.Sheets > 3 || a.CustomerName == "" {
			t.Errorf("%s: bill %+v", product, a)
		}
		req.Reference = "another"
		if c, _ := sim.Inquire(ctx, req); c.Amount != a.Amount {
			t.Errorf("%s: bill depends on the reference", product)
		}
		req.CustomerNo = "530000010000"
		if _, err := sim.Inquire(ctx, req); !errors.Is(err, supplier.ErrNoBill) {
			t.Errorf("%s: 0000 customer: %v", product, err)
		}
	}
}

func TestPLNBillShape(t *testing.T) {
	t.Parallel()
	sim := &simulator.Simulator{Now: func() time.Time { return time.Date(2025, 3, 15, 12, 0, 0, 0, time.UTC) }}
	// Find a customer with several months, to check the sums and the penalty rule.
	for i := 1; i < 50; i++ {
		b, err := sim.Inquire(context.Background(), supplier.BillRequest{Product: "PLN", CustomerNo: "5300000000" + strconv.Itoa(10+i), AdminPerSheet: 2500})
		if err != nil {
			t.Fatal(err)
		}
		var d, p digiswitch.PLNDesc
		if err := json.Unmarshal(b.Desc, &d); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b.PaidDesc, &p); err != nil {
			t.Fatal(err)
		}
		if d.LembarTagihan != b.Sheets || len(d.Detail) != b.Sheets || d.Daya == 0 || d.Tarif == "" {
			t.Fatalf("desc %+v for bill %+v", d, b)
		}
		var amount, penalty int64
		for j, m := range d.Detail {
			n, _ := strconv.ParseInt(m.NilaiTagihan, 10, 64)
			pen, _ := strconv.ParseInt(m.Denda, 10, 64)
			amount, penalty = amount+n, penalty+pen
			if m.Admin != "2500" || m.MeterAwal != "" || p.Detail[j].MeterAwal == "" || p.Detail[j].MeterAkhir <= p.Detail[j].MeterAwal {
				t.Fatalf("detail %+v / paid %+v", m, p.Detail[j])
			}
		}
		if d.Detail[len(d.Detail)-1].Periode != "202502" {
			t.Fatalf("last period %s, want last month", d.Detail[len(d.Detail)-1].Periode)
		}
		if amount != b.Amount || penalty != b.Penalty {
			t.Fatalf("sums %d %d, bill %d %d", amount, penalty, b.Amount, b.Penalty)
		}
		if b.Sheets > 1 {
			if b.Penalty == 0 {
				t.Fatal("several months without penalty")
			}
			return
		}
	}
	t.Fatal("no customer with several months in 50")
}

func TestPLNCustomer(t *testing.T) {
	t.Parallel()
	sim := simulator.New(0)
	c, err := sim.PLNCustomer(context.Background(), "530000000001")
	if err != nil || c.MeterNo == "" || len(c.MeterNo) != 11 || c.Name == "" || c.SegmentPower == "" {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := sim.PLNCustomer(context.Background(), "530000000000"); !errors.Is(err, supplier.ErrUnknownCustomer) {
		t.Fatalf("0000: %v", err)
	}
}
