package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkBinaryOrderAccept measures order acceptance against the real kios binary, as
// deployed: 64 keep-alive clients of one reseller posting /api/v1/order to `kios serve` on a
// SQLite file, with the fulfilment workers running beside acceptance. The per-reseller rate
// limit is switched off (--rate-limit 0), as it would otherwise be what is measured. It prints
// accepted orders per second and latency percentiles.
//
//	go test -run XXX -bench BinaryOrderAccept -benchtime 5000x ./internal/app/
func BenchmarkBinaryOrderAccept(b *testing.B) {
	const clients = 64
	db := tempDB(b)
	s := start(b, db, "--demo", "--rate-limit", "0", "--sim-delay", "200ms", "--workers", "64")
	var cr struct {
		Username string `json:"username"`
		Token    string `json:"token"`
	}
	if err := json.Unmarshal([]byte(mustKios(b, db, "reseller", "create", "--name", "Bench", "--json")), &cr); err != nil {
		b.Fatal(err)
	}
	mustKios(b, db, "deposit", "credit", "--reseller", cr.Username, "--amount", fmt.Sprint(int64(b.N)*1494))

	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}}
	defer hc.CloseIdleConnections()
	var (
		next, failed atomic.Int64
		wg           sync.WaitGroup
		lat          = make([][]time.Duration, clients)
	)
	b.ResetTimer()
	t0 := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				body := fmt.Sprintf(`{"code":"MLBB_ID_5","referenceNumber":"bench-%d","data":"12345678(1234)"}`, i)
				req, _ := http.NewRequest(http.MethodPost, s.base+"/api/v1/order", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+cr.Token)
				req.Header.Set("Content-Type", "application/json")
				start := time.Now()
				resp, err := hc.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				var env struct{ Error bool }
				_ = json.NewDecoder(resp.Body).Decode(&env)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || env.Error {
					failed.Add(1)
					continue
				}
				lat[c] = append(lat[c], time.Since(start))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	b.StopTimer()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if failed.Load() > 0 || len(all) == 0 {
		b.Fatalf("%d of %d orders failed", failed.Load(), b.N)
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[int(p*float64(len(all)-1))] }
	rate := float64(len(all)) / elapsed.Seconds()
	b.ReportMetric(rate, "orders/s")
	b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
	b.Logf("kios binary, %d clients: %d orders accepted in %s: %.0f orders/s, p50 %s, p99 %s, max %s",
		clients, len(all), elapsed.Round(time.Millisecond), rate, pct(0.5).Round(10*time.Microsecond),
		pct(0.99).Round(10*time.Microsecond), all[len(all)-1].Round(10*time.Microsecond))
}
