package health

import (
	"errors"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/supplier"
)

func TestWindowStats(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	w := New(time.Hour, 0, func() time.Time { return now })

	// An hour-old call falls out of the window; its error is still the last error.
	w.Record(Call{Supplier: "a", SKU: "X", At: now.Add(-61 * time.Minute), Took: time.Minute, Err: errors.New("old timeout")})
	for i := 1; i <= 18; i++ {
		w.Record(Call{Supplier: "a", SKU: "X", Took: time.Duration(i) * 10 * time.Millisecond, State: supplier.Success})
	}
	w.Record(Call{Supplier: "a", SKU: "Y", Took: 500 * time.Millisecond, State: supplier.Failed, Message: "stok kosong"})
	w.Record(Call{Supplier: "a", SKU: "Y", Took: 2 * time.Second, State: supplier.Failed, Unreachable: true, Message: "connection refused"})
	w.Record(Call{Supplier: "b", Took: time.Second, State: supplier.Pending})

	st := w.Supplier("a")
	if st.Calls != 20 || st.Successes != 18 || st.Failures != 1 || st.Errors != 1 {
		t.Fatalf("counts %+v", st)
	}
	if st.SuccessRate == nil || *st.SuccessRate != 18.0/19 {
		t.Fatalf("success rate %v", st.SuccessRate)
	}
	// 20 calls: the 19th smallest is the p95 (nearest rank).
	if st.P95 != 500*time.Millisecond || st.P95Millis != 500 {
		t.Fatalf("p95 %v", st.P95)
	}
	if st.LastError != "connection refused" || !st.LastErrorAt.Equal(now) {
		t.Fatalf("last error %q %v", st.LastError, st.LastErrorAt)
	}
	if sk := w.SKU("a", "X"); sk.Calls != 18 || *sk.SuccessRate != 1 || sk.LastError != "" {
		t.Fatalf("sku X %+v", sk)
	}
	if b := w.Supplier("b"); b.Calls != 1 || b.SuccessRate != nil || b.Errors != 0 {
		t.Fatalf("pending only: %+v", b)
	}
	if none := w.Supplier("ghost"); none.Calls != 0 || none.P95 != 0 || none.SuccessRate != nil {
		t.Fatalf("no calls: %+v", none)
	}
}

func TestWindowBounded(t *testing.T) {
	w := New(0, 3, nil)
	for i := range 5 {
		w.Record(Call{Supplier: "a", Took: time.Duration(i) * time.Second, State: supplier.Success})
	}
	if st := w.Supplier("a"); st.Calls != 3 || st.P95 != 4*time.Second {
		t.Fatalf("%+v", st)
	}
}
