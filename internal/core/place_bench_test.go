package core_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// BenchmarkPlaceOrderNodes measures order acceptance (core.PlaceOrder, funds held, job queued, each
// order committed before it returns) from 64 goroutines, on every configured backend, with one
// node and (on PostgreSQL) with two nodes — two store.DBs with their own pools and write loops on
// one database, the goroutines split between them. It reports accepted orders/s and the p99
// latency of one PlaceOrder.
//
//	KIOS_TEST_PG=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -run '^$' -bench PlaceOrderNodes -benchtime 20000x ./internal/core/
func BenchmarkPlaceOrderNodes(b *testing.B) {
	for _, be := range storetest.Backends() {
		for _, nodes := range []int{1, 2} {
			if nodes > 1 && be.Name == "sqlite" {
				continue // one SQLite file has one server
			}
			for _, resellers := range []int{1, 16} {
				for _, writers := range []int{0, 1, 2, 4, 8} {
					if writers > 0 && be.Name == "sqlite" {
						continue // SQLite has one writer
					}
					name := fmt.Sprintf("%s/nodes=%d/resellers=%d", be.Name, nodes, resellers)
					if writers > 0 {
						name += fmt.Sprintf("/writers=%d", writers)
					} else if be.Name != "sqlite" {
						continue
					}
					b.Run(name, func(b *testing.B) { benchPlace(b, be, nodes, resellers, writers) })
				}
			}
		}
	}
}

func benchPlace(b *testing.B, be storetest.Backend, nodes, nResellers, writers int) {
	ctx := context.Background()
	url := be.URL(b)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var svcs []*core.Service
	for i := 0; i < nodes; i++ {
		db := storetest.OpenURLOptions(b, url, backend.Options{Options: store.Options{Writers: writers}, MaxConns: writers + 4*runtime.GOMAXPROCS(0)})
		svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		svcs = append(svcs, svc)
	}
	err := svcs[0].SaveCatalog(ctx, []catalog.Product{{Code: "ml", Name: "Mobile Legends", Active: true}},
		[]catalog.Variant{{ProductCode: "ml", Code: "ML5", Name: "5 Diamonds", Active: true, UnlimitedStock: true, Multi: true,
			Prices: map[string]int64{"default": 1000}}})
	if err != nil {
		b.Fatal(err)
	}
	var rs []*reseller.Reseller
	for i := 0; i < nResellers; i++ {
		cr, err := svcs[0].CreateReseller(ctx, core.NewReseller{Name: fmt.Sprintf("Shop %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svcs[0].Credit(ctx, cr.Reseller.Username, int64(b.N+1)*1000, "bench"); err != nil {
			b.Fatal(err)
		}
		rs = append(rs, cr.Reseller)
	}

	const workers = 64
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			svc := svcs[w%nodes]
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				t0 := time.Now()
				placed, err := svc.PlaceOrder(ctx, core.PlaceParams{Reseller: rs[i%nResellers], VariantCode: "ML5",
					Reference: fmt.Sprintf("b%d", i), Destination: "12345678"})
				lat[i] = time.Since(t0)
				if err != nil || !placed.Created {
					failed.Add(1)
					b.Errorf("order %d: %v", i, err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failed.Load() > 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "orders/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
	var st store.BatchStats
	for _, svc := range svcs {
		s := svc.DB().Stats()
		st.Batches, st.Calls, st.Retries = st.Batches+s.Batches, st.Calls+s.Calls, st.Retries+s.Retries
	}
	b.ReportMetric(float64(st.Calls)/float64(st.Batches), "calls/batch")
	b.ReportMetric(float64(st.Retries), "retries")

	// What was accepted is all there, once.
	counts, err := svcs[0].DB().OrderCounts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if counts["Pending"] != int64(b.N) {
		b.Fatalf("%d pending orders, want %d", counts["Pending"], b.N)
	}
	if n, _ := svcs[0].DB().JobCounts(ctx); n[store.JobFulfil] != int64(b.N) {
		b.Fatalf("%d fulfil jobs, want %d", n[store.JobFulfil], b.N)
	}
}
