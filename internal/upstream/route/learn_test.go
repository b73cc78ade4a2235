package route

import (
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/supplier"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)} }
func (l *learner) fail(name, sku string) {
	l.observe(name, sku, supplier.Failed, time.Time{}, "stok kosong")
}
func (l *learner) ok(name, sku string) { l.observe(name, sku, supplier.Success, time.Time{}, "") }

// A SKU that fails 5 of its last 10 orders is demoted for the cooling period, then one order
// probes it: success restores it, failure demotes it again.
func TestDemotionCoolingAndProbe(t *testing.T) {
	c := newClock()
	l := newLearner(Learning{}, c.now)
	for range 6 {
		l.ok("up1", "S1")
	}
	for range 4 {
		l.fail("up1", "S1")
	}
	if st := l.standing("up1", "S1"); st != StandingOK {
		t.Fatalf("4 of 10 failed: %s", st)
	}
	l.fail("up1", "S1")
	if st := l.standing("up1", "S1"); st != StandingDemoted {
		t.Fatalf("5 of 10 failed: %s", st)
	}
	if ok, why := l.admit("up1", "S1"); ok || why == "" {
		t.Fatal("a demoted SKU admitted an order")
	}
	if st := l.standing("up1", "S2"); st != StandingOK {
		t.Fatalf("another SKU of the same supplier: %s", st)
	}
	// Answers of orders sent before the demotion neither end nor prolong it.
	l.ok("up1", "S1")
	c.add(4 * time.Minute)
	if st := l.standing("up1", "S1"); st != StandingDemoted {
		t.Fatalf("during cooling: %s", st)
	}
	c.add(time.Minute)
	if st := l.standing("up1", "S1"); st != StandingProbe {
		t.Fatalf("after cooling: %s", st)
	}
	if ok, _ := l.admit("up1", "S1"); !ok {
		t.Fatal("the probe order was refused")
	}
	if ok, _ := l.admit("up1", "S1"); ok {
		t.Fatal("a second order went to a SKU whose probe is out")
	}
	l.fail("up1", "S1")
	if st := l.standing("up1", "S1"); st != StandingDemoted {
		t.Fatalf("failed probe: %s", st)
	}
	c.add(5 * time.Minute)
	if ok, _ := l.admit("up1", "S1"); !ok {
		t.Fatal("second probe refused")
	}
	l.ok("up1", "S1")
	if st := l.standing("up1", "S1"); st != StandingOK {
		t.Fatalf("successful probe: %s", st)
	}
	st := l.stats("up1", "S1")
	if st.Outcomes != 1 || st.Demotions != 2 || st.LastFailure != "stok kosong" {
		t.Fatalf("stats after recovery %+v", st)
	}
	// A clean slate: it takes 5 new failures to demote it again.
	for range 4 {
		l.fail("up1", "S1")
	}
	if st := l.standing("up1", "S1"); st != StandingOK {
		t.Fatalf("4 failures after recovery: %s", st)
	}
}

// A probe whose answer never comes does not block the SKU for ever.
func TestLostProbeAllowsAnother(t *testing.T) {
	c := newClock()
	l := newLearner(Learning{Fails: 2, Of: 2, Cooling: time.Minute}, c.now)
	l.fail("up1", "S1")
	l.fail("up1", "S1")
	c.add(time.Minute)
	if ok, _ := l.admit("up1", "S1"); !ok {
		t.Fatal("probe refused")
	}
	if st := l.standing("up1", "S1"); st != StandingProbing {
		t.Fatalf("probe out: %s", st)
	}
	c.add(time.Minute)
	if ok, _ := l.admit("up1", "S1"); !ok {
		t.Fatal("a lost probe blocked the SKU")
	}
}

// Pending and unknown answers are not outcomes.
func TestOnlyFinalAnswersCount(t *testing.T) {
	l := newLearner(Learning{}, newClock().now)
	for range 20 {
		l.observe("up1", "S1", supplier.Pending, time.Time{}, "")
		l.observe("up1", "S1", supplier.Unknown, time.Time{}, "")
	}
	if st := l.stats("up1", "S1"); st.Outcomes != 0 || st.Standing != StandingOK {
		t.Fatalf("%+v", st)
	}
}

// Times to final are measured from the attempt's first record; p50 and p95 by nearest rank.
func TestTimeToFinal(t *testing.T) {
	c := newClock()
	l := newLearner(Learning{}, c.now)
	for i := 1; i <= 20; i++ {
		l.observe("up1", "S1", supplier.Success, c.t.Add(-time.Duration(i)*time.Second), "")
	}
	st := l.stats("up1", "S1")
	if st.P50Millis != 10000 || st.P95Millis != 19000 || st.SuccessRate == nil || *st.SuccessRate != 1 {
		t.Fatalf("%+v", st)
	}
}

func rate(r float64) *float64 { return &r }

func names(list []ranked) []int {
	out := make([]int, len(list))
	for i, c := range list {
		out[i] = c.idx
	}
	return out
}

// Each policy orders suppliers of the same priority its own way; priority always comes first;
// a supplier below the success-rate floor goes after the others of its priority.
func TestPolicies(t *testing.T) {
	l := newLearner(Learning{}, newClock().now)
	// 0: cheap, slow, flaky; 1: dear, fast, reliable; 2: middle, unknown; 3: priority 1, cheapest.
	base := func() []ranked {
		return []ranked{
			{idx: 0, priority: 0, cost: 9_800, st: SKUStats{Outcomes: 10, SuccessRate: rate(0.6), P50Millis: 9000}},
			{idx: 1, priority: 0, cost: 10_100, st: SKUStats{Outcomes: 10, SuccessRate: rate(1), P50Millis: 800}},
			{idx: 2, priority: 0, cost: 10_000, st: SKUStats{}},
			{idx: 3, priority: 1, cost: 9_000, st: SKUStats{Outcomes: 10, SuccessRate: rate(1), P50Millis: 100}},
		}
	}
	for _, tc := range []struct {
		p    Policy
		want []int
	}{
		{Cheapest, []int{0, 2, 1, 3}},
		{Fastest, []int{2, 1, 0, 3}}, // never timed first: it gets orders to be timed
		{MostReliable, []int{1, 2, 0, 3}},
		{Balanced, []int{2, 1, 0, 3}}, // 9,800 ÷ 0.6 = 16,333 loses to 10,100 ÷ 1
	} {
		list := base()
		l.order(tc.p, list)
		if got := names(list); !equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.p, got, tc.want)
		}
	}
	// Below the floor (0.5, with 5 outcomes): last of its priority whatever the policy.
	list := base()
	list[0].st.SuccessRate = rate(0.4)
	l.order(Cheapest, list)
	if got := names(list); !equal(got, []int{2, 1, 0, 3}) {
		t.Errorf("below floor: %v", got)
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
