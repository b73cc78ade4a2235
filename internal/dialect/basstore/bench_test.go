package basstore_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
)

// BenchmarkOrderAcceptHTTP measures order acceptance end to end: 64 clients posting
// /api/v1/order over HTTP (keep-alive) to the real handler on a SQLite file, each order
// authenticated, validated, held and queued durably before it is answered. It reports accepted
// orders per second and latency percentiles. "with-fulfilment" also runs the workers, whose
// commits share the one SQLite writer with acceptance, as in production.
//
//	go test -run XXX -bench OrderAccept -benchtime 5000x ./internal/dialect/basstore/
func BenchmarkOrderAcceptHTTP(b *testing.B) {
	b.Run("accept-only", func(b *testing.B) { benchOrders(b, false) })
	b.Run("with-fulfilment", func(b *testing.B) { benchOrders(b, true) })
}

const benchClients = 64

func benchOrders(b *testing.B, workers bool) {
	e := basstoretest.New(b, basstoretest.Config{Workers: workers, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	e.Fund(b, e.A, int64(b.N)*1389)
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: benchClients, MaxIdleConnsPerHost: benchClients}}
	defer client.CloseIdleConnections()
	url := e.URL + "/api/v1/order"
	auth := "Bearer " + e.A.Token

	var (
		next   atomic.Int64
		failed atomic.Int64
		wg     sync.WaitGroup
		lat    = make([][]time.Duration, benchClients)
	)
	b.ResetTimer()
	t0 := time.Now()
	for c := 0; c < benchClients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				body := fmt.Sprintf(`{"code":"MLBB_ID_5","referenceNumber":"bench-%d","data":"12345678(1234)"}`, i)
				req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
				req.Header.Set("Authorization", auth)
				req.Header.Set("Content-Type", "application/json")
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[c] = append(lat[c], time.Since(start))
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d orders not accepted", n, b.N)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "orders/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	if bal := e.Balance(b, e.A); bal != 0 {
		b.Fatalf("balance %d after %d orders", bal, b.N)
	}
}
