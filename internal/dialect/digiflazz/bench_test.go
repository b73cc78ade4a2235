package digiflazz_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
)

// BenchmarkTransaction measures accepting prepaid transactions through the HTTP API (decode,
// reseller lookup, IP and sign checks, order, hold, answer with the balance), in parallel, on
// SQLite. Fulfilment is not running.
func BenchmarkTransaction(b *testing.B) {
	f := setup(b, digiflazz.Options{})
	if _, err := f.Svc.Credit(b.Context(), "buyer1", int64(b.N+1)*5005, "bench"); err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var n atomic.Int64
	// Many requests in flight, as many resellers' shops would send: the store commits them in groups.
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body, _ := json.Marshal(f.tx("s5", "081234567890", fmt.Sprintf("bench-%d", n.Add(1))))
			resp, err := client.Post(f.Server.URL+"/v1/transaction", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !bytes.Contains(raw, []byte(`"rc":"03"`)) {
				b.Errorf("answer %s", raw)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "trx/s")
}
