package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/metrics"
)

// The dispatcher's requests in flight and the scheduled ledger check are exported from the
// state functions at scrape time; the ledger gauges only once a check ran.
func TestStateGauges(t *testing.T) {
	m := metrics.New(nil, nil)
	m.Upstream(func() metrics.UpstreamState { return metrics.UpstreamState{Inflight: 7, InflightMax: 42, Claimed: 99} })
	var check metrics.LedgerCheckState
	m.LedgerCheck(func() metrics.LedgerCheckState { return check })
	scrape := func() string {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		b, _ := io.ReadAll(rec.Body)
		return string(b)
	}
	text := scrape()
	for _, want := range []string{"kios_upstream_inflight 7", "kios_upstream_inflight_max 42", "kios_fulfilment_jobs_claimed_total 99"} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q", want)
		}
	}
	if strings.Contains(text, "kios_ledger_check_ok") {
		t.Error("ledger gauges before any check ran")
	}
	check = metrics.LedgerCheckState{Ran: true, OK: false, At: time.Now().Add(-90 * time.Second), Took: 1500 * time.Millisecond}
	text = scrape()
	for _, want := range []string{"kios_ledger_check_ok 0", "kios_ledger_check_duration_seconds 1.5", "kios_ledger_check_age_seconds 9"} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
}
