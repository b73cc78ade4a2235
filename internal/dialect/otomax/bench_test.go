package otomax_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	wire "github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// BenchmarkTrx: orders accepted through GET /otomax/trx (signed, each its own refID), from
// parallel clients, on SQLite; the orders/s metric is what one Kios takes in this dialect.
func BenchmarkTrx(b *testing.B) {
	bb := setup(b, storetest.Backends()[0])
	if _, err := bb.Svc.Credit(context.Background(), member, 1_000_000_000_000, "bench"); err != nil {
		b.Fatal(err)
	}
	c := bb.client()
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ref := "b" + strconv.FormatInt(n.Add(1), 10)
			r, err := c.Buy(context.Background(), wire.Trx{Product: "MLBB_ID_5", Dest: "0812" + ref, RefID: ref})
			if err != nil || r.Status != wire.StatusPending {
				b.Fatalf("%+v %v", r, err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}
