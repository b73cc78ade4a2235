package core_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// BenchmarkPlaceOrder measures order acceptance through the core and the group commit, with 64
// concurrent callers and no HTTP, printing orders/s and the p99 latency of one acceptance.
func BenchmarkPlaceOrder(b *testing.B) {
	bb := setup(b, storetest.Backends()[0], 0)
	ctx := context.Background()
	if _, err := bb.svc.Credit(ctx, bb.cr.Reseller.Username, int64(b.N+10)*1389, "bench"); err != nil {
		b.Fatal(err)
	}
	const clients = 64
	var next atomic.Int64
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				_, err := bb.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: bb.cr.Reseller, VariantCode: "MLBB_ID_5",
					Reference: fmt.Sprintf("b%d", i), Destination: "12345678"})
				lat[i] = time.Since(t0)
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(b.N)/el.Seconds(), "orders/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}

// BenchmarkLifecycle accepts b.N orders from 64 callers while the workers fulfil them on the
// zero-delay simulator, and stops when every order is final: fulfilled orders/s end to end.
func BenchmarkLifecycle(b *testing.B) {
	bb := setup(b, storetest.Backends()[0], 0)
	ctx := context.Background()
	if _, err := bb.svc.Credit(ctx, bb.cr.Reseller.Username, int64(b.N+10)*1389, "bench"); err != nil {
		b.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		_ = bb.svc.RunWorkers(wctx, core.WorkerConfig{Workers: 64, Poll: 10 * time.Millisecond})
		close(done)
	}()
	defer func() { cancel(); <-done }()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for c := 0; c < 64; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				if _, err := bb.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: bb.cr.Reseller, VariantCode: "MLBB_ID_5",
					Reference: fmt.Sprintf("l%d", i), Destination: "12345678"}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	accepted := time.Since(start)
	for {
		counts, err := bb.db.JobCounts(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if counts["fulfil"] == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/accepted.Seconds(), "accepted/s")
	b.ReportMetric(float64(b.N)/el.Seconds(), "fulfilled/s")
}
