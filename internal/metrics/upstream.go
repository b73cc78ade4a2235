package metrics

import "github.com/prometheus/client_golang/prometheus"

// UpstreamState is this process's fulfilment at scrape time.
type UpstreamState struct {
	Inflight    int64 // requests out at suppliers now
	InflightMax int64 // the most at once since start
	Claimed     int64 // jobs claimed since start
}

var (
	descInflight    = prometheus.NewDesc("kios_upstream_inflight", "Requests out at suppliers now, on this node (bounded per supplier by max_inflight).", nil, nil)
	descInflightMax = prometheus.NewDesc("kios_upstream_inflight_max", "The most requests out at suppliers at once since this node started.", nil, nil)
	descClaimed     = prometheus.NewDesc("kios_fulfilment_jobs_claimed_total", "Fulfilment jobs this node claimed since it started.", nil, nil)
)

type upstreamCollector struct{ state func() UpstreamState }

func (c upstreamCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descInflight
	ch <- descInflightMax
	ch <- descClaimed
}

func (c upstreamCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.state()
	ch <- prometheus.MustNewConstMetric(descInflight, prometheus.GaugeValue, float64(st.Inflight))
	ch <- prometheus.MustNewConstMetric(descInflightMax, prometheus.GaugeValue, float64(st.InflightMax))
	ch <- prometheus.MustNewConstMetric(descClaimed, prometheus.CounterValue, float64(st.Claimed))
}

// Upstream exports the dispatcher's requests in flight, read from state at scrape time.
func (m *Metrics) Upstream(state func() UpstreamState) {
	m.reg.MustRegister(upstreamCollector{state: state})
}
