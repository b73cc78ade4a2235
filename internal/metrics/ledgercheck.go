package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// LedgerCheckState is the last scheduled ledger check this process ran.
type LedgerCheckState struct {
	Ran  bool // false: none yet (the gauges are then not exported)
	OK   bool
	At   time.Time
	Took time.Duration
}

var (
	descCheckOK   = prometheus.NewDesc("kios_ledger_check_ok", "1 when the last ledger check this node ran found no discrepancy.", nil, nil)
	descCheckAge  = prometheus.NewDesc("kios_ledger_check_age_seconds", "Seconds since the last ledger check this node ran.", nil, nil)
	descCheckTook = prometheus.NewDesc("kios_ledger_check_duration_seconds", "How long the last ledger check this node ran took.", nil, nil)
)

type ledgerCollector struct{ state func() LedgerCheckState }

func (c ledgerCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descCheckOK
	ch <- descCheckAge
	ch <- descCheckTook
}

func (c ledgerCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.state()
	if !st.Ran {
		return
	}
	ok := 0.0
	if st.OK {
		ok = 1
	}
	ch <- prometheus.MustNewConstMetric(descCheckOK, prometheus.GaugeValue, ok)
	ch <- prometheus.MustNewConstMetric(descCheckAge, prometheus.GaugeValue, time.Since(st.At).Seconds())
	ch <- prometheus.MustNewConstMetric(descCheckTook, prometheus.GaugeValue, st.Took.Seconds())
}

// LedgerCheck exports the scheduled ledger check's result and age, read from state at scrape
// time: alert on kios_ledger_check_ok == 0 or on an age well above the interval.
func (m *Metrics) LedgerCheck(state func() LedgerCheckState) {
	m.reg.MustRegister(ledgerCollector{state: state})
}
