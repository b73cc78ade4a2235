// Package health keeps a sliding window of calls to upstream suppliers — when, how long, what
// the answer was — and reads it back as success rate, p95 latency and the last error, per
// supplier and per supplier SKU. The router records every Purchase and Status it makes; the
// dashboard shows the last hour, and routing may consult the same window.
//
// The window lives in memory: it describes this process's calls (one node), which is what its
// latency figures can honestly describe. What must survive a restart (attempts, orders) is in the
// database.
package health

import (
	"slices"
	"sync"
	"time"

	"github.com/kios-h2h/kios/internal/supplier"
)

// Call is one answered call to a supplier.
type Call struct {
	Supplier string
	SKU      string
	Op       string // "purchase" or "status"
	At       time.Time
	Took     time.Duration
	State    supplier.State // Unknown when Err is set
	// Unreachable is a Failed answer that never reached the supplier.
	Unreachable bool
	Err         error
	Message     string
}

// Healthy tells whether the call shows the supplier working: an answer it gave, success or a
// definite refusal of the goods, not an error, an unknown outcome or an unreachable host.
func (c Call) Healthy() bool {
	if c.Err != nil || c.State == supplier.Unknown || c.State == "" {
		return false
	}
	return !(c.State == supplier.Failed && c.Unreachable)
}

// Stats sum up the calls of a window.
type Stats struct {
	Calls     int `json:"calls"`
	Successes int `json:"successes"` // answers Success
	Failures  int `json:"failures"`  // definite Failed answers (not unreachable)
	Errors    int `json:"errors"`    // errors, unknown outcomes and unreachable suppliers
	// SuccessRate is Successes over the definite answers (Successes + Failures); nil without any.
	SuccessRate *float64 `json:"success_rate"`
	// P95 is the 95th percentile of call durations; 0 without calls.
	P95       time.Duration `json:"-"`
	P95Millis int64         `json:"p95_ms"`
	// LastError is the newest unhealthy call's error or message, and when it happened.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
}

// Window holds the calls of the last Span, at most Max per supplier (the oldest go first).
type Window struct {
	span time.Duration
	max  int
	now  func() time.Time

	mu    sync.Mutex
	calls map[string][]Call // by supplier, oldest first
	last  map[string]Call   // newest unhealthy call per supplier, kept beyond the span
}

// DefaultSpan is how far back the window looks.
const DefaultSpan = time.Hour

// New returns a window over span (0 means DefaultSpan), holding at most max calls per supplier
// (0 means 10000). now is the clock; nil means time.Now.
func New(span time.Duration, max int, now func() time.Time) *Window {
	if span <= 0 {
		span = DefaultSpan
	}
	if max <= 0 {
		max = 10000
	}
	if now == nil {
		now = time.Now
	}
	return &Window{span: span, max: max, now: now, calls: map[string][]Call{}, last: map[string]Call{}}
}

// Record adds a call; a zero At is now.
func (w *Window) Record(c Call) {
	if c.At.IsZero() {
		c.At = w.now()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	list := w.prune(append(w.calls[c.Supplier], c))
	if len(list) > w.max {
		list = slices.Delete(list, 0, len(list)-w.max)
	}
	w.calls[c.Supplier] = list
	if !c.Healthy() {
		w.last[c.Supplier] = c
	}
}

// prune drops the calls older than the span; list is oldest first.
func (w *Window) prune(list []Call) []Call {
	cut := w.now().Add(-w.span)
	i := 0
	for i < len(list) && list[i].At.Before(cut) {
		i++
	}
	if i > 0 {
		list = slices.Delete(list, 0, i)
	}
	return list
}

// Supplier sums up a supplier's calls in the window.
func (w *Window) Supplier(name string) Stats {
	return w.stats(name, func(Call) bool { return true })
}

// SKU sums up the calls for one of a supplier's SKUs.
func (w *Window) SKU(name, sku string) Stats {
	return w.stats(name, func(c Call) bool { return c.SKU == sku })
}

func (w *Window) stats(name string, keep func(Call) bool) Stats {
	w.mu.Lock()
	list := w.prune(w.calls[name])
	w.calls[name] = list
	var st Stats
	took := make([]time.Duration, 0, len(list))
	for _, c := range list {
		if !keep(c) {
			continue
		}
		st.Calls++
		took = append(took, c.Took)
		switch {
		case !c.Healthy():
			st.Errors++
		case c.State == supplier.Success:
			st.Successes++
		case c.State == supplier.Failed:
			st.Failures++
		}
	}
	last, hasLast := w.last[name]
	w.mu.Unlock()

	if n := st.Successes + st.Failures; n > 0 {
		r := float64(st.Successes) / float64(n)
		st.SuccessRate = &r
	}
	if len(took) > 0 {
		slices.Sort(took)
		// Nearest rank: the smallest duration at or above which 5 % of the calls lie.
		i := (95*len(took)+99)/100 - 1
		st.P95 = took[max(i, 0)]
		st.P95Millis = st.P95.Milliseconds()
	}
	if hasLast && keep(last) {
		st.LastErrorAt = last.At
		switch {
		case last.Err != nil:
			st.LastError = last.Err.Error()
		case last.Message != "":
			st.LastError = last.Message
		default:
			st.LastError = "outcome " + string(last.State)
		}
	}
	return st
}
