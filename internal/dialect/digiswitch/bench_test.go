package digiswitch_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	ds "github.com/kios-h2h/kios/client/digiswitch"
)

// BenchmarkTransaction measures accepting prepaid transactions through the HTTP API (sign check,
// order, hold, answer with the balance), in parallel, on SQLite. Fulfilment is not running.
func BenchmarkTransaction(b *testing.B) {
	bb := setup(b, setupOpts{})
	if _, err := bb.Svc.Credit(b.Context(), bb.user(), int64(b.N+1)*5005, "bench"); err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ref := fmt.Sprintf("bench-%d", n.Add(1))
			body, _ := json.Marshal(bb.trx("", "s5", "081234567890", ref))
			resp, err := client.Post(bb.Server.URL+ds.PathTransaction, "application/json", bytes.NewReader(body))
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
