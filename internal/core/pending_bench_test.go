package core_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// BenchmarkPendingUpstream holds 50,000 orders in flight upstream at once (a simulator that
// takes an hour) and prints the process's resident memory then: the dispatcher's cost per
// pending order must keep 50,000 within 200 MB. b.N is ignored. Destinations end in 5: the
// simulator fails those ending 0000 at once and answers 1111 pending.
//
// "started": the simulator as it is, a supplier.Starter (no goroutine waits for an answer).
// "goroutine": the same simulator behind a wrapper that hides StartPurchase, so each request
// in flight waits in a goroutine of its own, as with a connector over HTTP.
//
//	go test -run '^$' -bench PendingUpstream -benchtime 1x ./internal/core/
func BenchmarkPendingUpstream(b *testing.B) {
	b.Run("started", func(b *testing.B) { benchPendingUpstream(b, nil) })
	b.Run("goroutine", func(b *testing.B) {
		benchPendingUpstream(b, func(sup supplier.Supplier) supplier.Supplier { return blocking{sup} })
	})
}

// blocking is a supplier without StartPurchase.
type blocking struct{ supplier.Supplier }

// wrappedRouter routes as simroute.Router does, through wrap.
type wrappedRouter struct {
	core.Router
	wrap func(supplier.Supplier) supplier.Supplier
}

func (r wrappedRouter) Candidates(ctx context.Context, o *order.Order) ([]core.Candidate, error) {
	cands, err := r.Router.Candidates(ctx, o)
	for i := range cands {
		cands[i].Supplier = r.wrap(cands[i].Supplier)
	}
	return cands, err
}

func (r wrappedRouter) Supplier(ctx context.Context, name string) (supplier.Supplier, bool) {
	sup, ok := r.Router.Supplier(ctx, name)
	if ok {
		sup = r.wrap(sup)
	}
	return sup, ok
}

func benchPendingUpstream(b *testing.B, wrap func(supplier.Supplier) supplier.Supplier) {
	const pending = 50_000
	runtime.GC()
	bb := setup(b, storetest.Backends()[0], time.Hour)
	ctx := context.Background()
	if wrap != nil {
		svc, err := core.New(ctx, bb.db, core.Config{Logger: bb.svc.Logger(), Router: wrappedRouter{simroute.New(time.Hour), wrap}})
		if err != nil {
			b.Fatal(err)
		}
		bb.svc = svc
	}
	if _, err := bb.svc.Credit(ctx, bb.cr.Reseller.Username, pending*1389, "bench"); err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for c := 0; c < 64; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= pending; i = next.Add(1) {
				if _, err := bb.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: bb.cr.Reseller, VariantCode: "MLBB_ID_5",
					Reference: fmt.Sprintf("p%d", i), Destination: fmt.Sprintf("08%09d5", i)}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if b.Failed() {
		return
	}
	before := rss(b)
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	start := time.Now()
	go func() {
		_ = bb.svc.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond, ShutdownGrace: time.Millisecond, UpstreamTimeout: 2 * time.Hour})
		close(done)
	}()
	defer func() { cancel(); <-done }()
	for bb.svc.Upstream().Inflight < pending {
		time.Sleep(50 * time.Millisecond)
	}
	took := time.Since(start)
	runtime.GC()
	after := rss(b)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if dir := os.Getenv("KIOS_BENCH_PROFILE"); dir != "" {
		// Where the memory per pending order goes: the live heap and the waiting goroutines' frames.
		for _, name := range []string{"heap", "goroutine"} {
			f, err := os.Create(filepath.Join(dir, strings.ReplaceAll(b.Name(), "/", "_")+"-"+name+".pprof"))
			if err != nil {
				b.Fatal(err)
			}
			if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	}
	b.ReportMetric(float64(pending), "pending")
	b.ReportMetric(after, "rss_MB")
	b.ReportMetric(before, "rss_before_MB")
	b.ReportMetric(float64(ms.StackInuse+ms.HeapInuse)/(1<<20), "go_inuse_MB")
	b.ReportMetric(float64(ms.StackInuse)/(1<<20), "stack_MB")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap_MB")
	b.ReportMetric(took.Seconds(), "s_to_send_all")
	b.Logf("%d orders pending upstream: RSS %.0f MB (%.0f MB before the dispatcher took them), goroutines %d, renewals %d",
		pending, after, before, runtime.NumGoroutine(), bb.svc.Upstream().Renewals)
}

// rss is this process's resident set size in MB.
func rss(b *testing.B) float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status")
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	b.Skip("no VmRSS")
	return 0
}
