package route

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/supplier"
)

// Policy is how the suppliers of a variant that share an operator priority are ordered
// (core.RoutingPolicy: cheapest, fastest, most_reliable, balanced).
type Policy = core.RoutingPolicy

// The policies, by their core names.
const (
	Cheapest     = core.PolicyCheapest
	Fastest      = core.PolicyFastest
	MostReliable = core.PolicyMostReliable
	Balanced     = core.PolicyBalanced
)

// Learning tunes how routing learns from answers. The zero value is the documented defaults.
type Learning struct {
	// A supplier's SKU that fails Fails of its last Of orders is demoted (5 of 10).
	Fails, Of int
	// Cooling is how long a demoted SKU gets no orders; then one order probes it (5 min).
	Cooling time.Duration
	// Floor is the success rate below which a supplier goes after the others of its priority,
	// once it has MinOutcomes outcomes in the window (0.5 and 5).
	Floor       float64
	MinOutcomes int
	// Keep is how many outcomes per SKU the window holds for its rates and times (100).
	Keep int
}

func (l Learning) withDefaults() Learning {
	if l.Fails <= 0 {
		l.Fails = 5
	}
	if l.Of < l.Fails {
		l.Of = max(10, l.Fails)
	}
	if l.Cooling <= 0 {
		l.Cooling = 5 * time.Minute
	}
	if l.Floor <= 0 {
		l.Floor = 0.5
	}
	if l.MinOutcomes <= 0 {
		l.MinOutcomes = 5
	}
	if l.Keep < l.Of {
		l.Keep = max(100, l.Of)
	}
	return l
}

// Standing is where a supplier's SKU stands in routing (core.Standing).
type Standing = core.Standing

// The standings, by their core names.
const (
	StandingOK      = core.StandingOK
	StandingDemoted = core.StandingDemoted
	StandingProbe   = core.StandingProbe
	StandingProbing = core.StandingProbing
)

// outcome is one order's final answer at a supplier's SKU.
type outcome struct {
	at      time.Time
	success bool
	took    time.Duration // from the attempt's first record to the final answer; 0 unknown
}

// skuRecord is what routing knows of one supplier's SKU.
type skuRecord struct {
	outcomes     []outcome // oldest first, at most Keep
	demotedUntil time.Time
	demotions    int
	probeAt      time.Time // when the probe order was let through; zero: none out
	lastFail     string
	lastFailAt   time.Time
}

type skuKey struct{ supplier, sku string }

// learner keeps, per supplier and SKU, the recent outcomes of orders and whether the SKU is
// demoted. It lives in memory: each node learns from the answers it gets, which after a restart
// start again from what the suppliers answer next (a conservative restart: nothing demoted).
type learner struct {
	cfg Learning
	now func() time.Time

	mu   sync.Mutex
	recs map[skuKey]*skuRecord
}

func newLearner(cfg Learning, now func() time.Time) *learner {
	if now == nil {
		now = time.Now
	}
	return &learner{cfg: cfg.withDefaults(), now: now, recs: map[skuKey]*skuRecord{}}
}

func (l *learner) rec(k skuKey) *skuRecord {
	r := l.recs[k]
	if r == nil {
		r = &skuRecord{}
		l.recs[k] = r
	}
	return r
}

// observe records a final answer (Success or a definite Failed) for an order at a supplier's
// SKU. Pending and unknown answers are not outcomes: the order is still open there.
func (l *learner) observe(name, sku string, state supplier.State, sentAt time.Time, message string) {
	if state != supplier.Success && state != supplier.Failed {
		return
	}
	now := l.now()
	o := outcome{at: now, success: state == supplier.Success}
	if !sentAt.IsZero() && now.After(sentAt) {
		o.took = now.Sub(sentAt)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.rec(skuKey{name, sku})
	if !o.success {
		r.lastFail, r.lastFailAt = message, now
		if r.lastFail == "" {
			r.lastFail = "failed"
		}
	}
	if !r.demotedUntil.IsZero() && !now.Before(r.demotedUntil) {
		// The SKU has cooled: the first outcome after is the probe's (or an order sent before
		// the demotion that answered late: as good a test). Success restores it with a clean
		// slate; failure demotes it again.
		if o.success {
			r.demotedUntil, r.probeAt, r.outcomes = time.Time{}, time.Time{}, []outcome{o}
		} else {
			r.demotedUntil, r.probeAt = now.Add(l.cfg.Cooling), time.Time{}
			r.demotions++
		}
		return
	}
	if !r.demotedUntil.IsZero() {
		// Late answers of orders sent before the demotion: they neither prolong nor end it.
		r.outcomes = appendOutcome(r.outcomes, o, l.cfg.Keep)
		return
	}
	r.outcomes = appendOutcome(r.outcomes, o, l.cfg.Keep)
	if fails(r.outcomes, l.cfg.Of) >= l.cfg.Fails {
		r.demotedUntil = now.Add(l.cfg.Cooling)
		r.demotions++
	}
}

func appendOutcome(list []outcome, o outcome, keep int) []outcome {
	list = append(list, o)
	if len(list) > keep {
		list = slices.Delete(list, 0, len(list)-keep)
	}
	return list
}

// fails counts the failures among the last n outcomes.
func fails(list []outcome, n int) int {
	c := 0
	for _, o := range list[max(0, len(list)-n):] {
		if !o.success {
			c++
		}
	}
	return c
}

// standing tells where a SKU stands now. A probe let through that has not answered within a
// cooling period no longer blocks the next probe (its answer may never come: a supplier that
// lost the order).
func (l *learner) standing(name, sku string) Standing {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.recs[skuKey{name, sku}]
	if r == nil {
		return StandingOK
	}
	return l.standingLocked(r, l.now())
}

func (l *learner) standingLocked(r *skuRecord, now time.Time) Standing {
	switch {
	case r.demotedUntil.IsZero():
		return StandingOK
	case now.Before(r.demotedUntil):
		return StandingDemoted
	case !r.probeAt.IsZero() && now.Sub(r.probeAt) < l.cfg.Cooling:
		return StandingProbing
	default:
		return StandingProbe
	}
}

// admit decides whether an order may be sent to a SKU now, and lets exactly one probe through
// a cooled SKU.
func (l *learner) admit(name, sku string) (bool, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.recs[skuKey{name, sku}]
	if r == nil {
		return true, ""
	}
	now := l.now()
	switch st := l.standingLocked(r, now); st {
	case StandingOK:
		return true, ""
	case StandingProbe:
		r.probeAt = now
		return true, ""
	case StandingDemoted:
		return false, fmt.Sprintf("demoted after %d of its last %d orders failed, cooling until %s", l.cfg.Fails, l.cfg.Of,
			r.demotedUntil.Format(time.RFC3339))
	default:
		return false, "demoted; a probe order is out"
	}
}

// anyDemoted tells whether some SKU is not in the OK standing (the fast path of the gangguan
// view: nothing demoted, nothing to compute).
func (l *learner) anyDemoted() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.recs {
		if !r.demotedUntil.IsZero() {
			return true
		}
	}
	return false
}

// SKUStats is what routing knows of one supplier's SKU (core.SKUStats).
type SKUStats = core.SKUStats

// stats sums up one SKU.
func (l *learner) stats(name, sku string) SKUStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.recs[skuKey{name, sku}]
	if r == nil {
		return SKUStats{Supplier: name, SKU: sku, Standing: StandingOK}
	}
	return l.statsLocked(name, sku, r)
}

func (l *learner) statsLocked(name, sku string, r *skuRecord) SKUStats {
	st := SKUStats{Supplier: name, SKU: sku, Outcomes: len(r.outcomes), Standing: l.standingLocked(r, l.now()),
		Demotions: r.demotions, LastFailure: r.lastFail, LastFailAt: r.lastFailAt}
	if st.Standing == StandingDemoted {
		st.DemotedUntil = r.demotedUntil
	}
	took := make([]time.Duration, 0, len(r.outcomes))
	for _, o := range r.outcomes {
		if o.success {
			st.Success++
		} else {
			st.Failed++
		}
		if o.took > 0 {
			took = append(took, o.took)
		}
	}
	if st.Outcomes > 0 {
		rate := float64(st.Success) / float64(st.Outcomes)
		st.SuccessRate = &rate
	}
	if len(took) > 0 {
		slices.Sort(took)
		st.P50Millis = took[rank(50, len(took))].Milliseconds()
		st.P95Millis = took[rank(95, len(took))].Milliseconds()
	}
	return st
}

// rank is the nearest-rank index of percentile p among n sorted values.
func rank(p, n int) int { return max((p*n+99)/100-1, 0) }

// all lists every SKU routing has seen, by supplier then SKU.
func (l *learner) all() []SKUStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]SKUStats, 0, len(l.recs))
	for k, r := range l.recs {
		out = append(out, l.statsLocked(k.supplier, k.sku, r))
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Supplier != out[j].Supplier {
			return out[i].Supplier < out[j].Supplier
		}
		return out[i].SKU < out[j].SKU
	})
	return out
}

// ranked is a candidate with what ordering needs to know of it.
type ranked struct {
	idx      int // position in the operator's order (priority, cost)
	priority int
	cost     int64
	st       SKUStats
}

// order sorts candidates: operator priority first; within a priority, those whose success rate
// is known and below the floor go last (by rate), the others by the policy; ties keep the
// operator's order (priority, then cost, then registration).
func (l *learner) order(p Policy, cands []ranked) {
	below := func(c ranked) bool {
		return c.st.SuccessRate != nil && c.st.Outcomes >= l.cfg.MinOutcomes && *c.st.SuccessRate < l.cfg.Floor
	}
	rate := func(c ranked) float64 {
		if c.st.SuccessRate == nil {
			return 1 // unknown: optimistic, so a new supplier gets orders to learn from
		}
		return *c.st.SuccessRate
	}
	slices.SortStableFunc(cands, func(a, b ranked) int {
		if c := cmp.Compare(a.priority, b.priority); c != 0 {
			return c
		}
		ab, bb := below(a), below(b)
		if ab != bb {
			if ab {
				return 1
			}
			return -1
		}
		if ab {
			return cmp.Compare(rate(b), rate(a))
		}
		var c int
		switch p {
		case Fastest:
			// Unknown speed (0) sorts first: a supplier never timed gets orders to be timed.
			c = cmp.Compare(a.st.P50Millis, b.st.P50Millis)
		case MostReliable:
			c = cmp.Compare(rate(b), rate(a))
		case Balanced:
			c = cmp.Compare(float64(a.cost)/max(rate(a), 0.05), float64(b.cost)/max(rate(b), 0.05))
		default:
			c = cmp.Compare(a.cost, b.cost)
		}
		if c != 0 {
			return c
		}
		return cmp.Compare(a.idx, b.idx)
	})
}
