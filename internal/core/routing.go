package core

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/store"
)

// RoutingPolicy orders the suppliers of a variant that share an operator priority; the
// operator's priority always comes first (docs/FULFILMENT.md, "Routing that learns").
type RoutingPolicy string

const (
	// PolicyCheapest buys where the last synced cost is lowest (the default, and Kios's
	// behaviour before routing learned).
	PolicyCheapest RoutingPolicy = "cheapest"
	// PolicyFastest buys where the median time to a final answer is lowest.
	PolicyFastest RoutingPolicy = "fastest"
	// PolicyMostReliable buys where the recent success rate is highest.
	PolicyMostReliable RoutingPolicy = "most_reliable"
	// PolicyBalanced buys where the expected cost of a delivered order (cost ÷ success rate) is
	// lowest: a supplier 2 % cheaper that fails one order in three loses to a dearer one that
	// delivers.
	PolicyBalanced RoutingPolicy = "balanced"
)

// RoutingPolicies lists the policies.
func RoutingPolicies() []RoutingPolicy {
	return []RoutingPolicy{PolicyCheapest, PolicyFastest, PolicyMostReliable, PolicyBalanced}
}

// SettingRoutingPolicy is the global routing policy; a product's own overrides it.
const SettingRoutingPolicy = "routing_policy"

// ParseRoutingPolicy reads a policy name; "" is "" (no policy of its own: the global one holds).
func ParseRoutingPolicy(s string) (RoutingPolicy, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	names := make([]string, 0, 4)
	for _, p := range RoutingPolicies() {
		if string(p) == s {
			return p, nil
		}
		names = append(names, string(p))
	}
	return "", &FieldError{Field: "policy", Reason: fmt.Sprintf("unknown routing policy %q (known: %s)", s, strings.Join(names, ", "))}
}

// SetProductRouting gives a product a routing policy of its own ("" returns it to the global
// one). Routers read it with each order's routes.
func (s *Service) SetProductRouting(ctx context.Context, productCode string, policy string) error {
	p, err := ParseRoutingPolicy(policy)
	if err != nil {
		return err
	}
	if _, err := s.db.ProductByCode(ctx, productCode); err != nil {
		return err
	}
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.ProductSetRouting(ctx, productCode, string(p)) })
}

// ProductRouting lists the products with a routing policy of their own, by code.
func (s *Service) ProductRouting(ctx context.Context) (map[string]RoutingPolicy, error) {
	m, err := s.db.ProductRouting(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]RoutingPolicy, len(m))
	for k, v := range m {
		out[k] = RoutingPolicy(v)
	}
	return out, nil
}

// AlertLowBalance is the alert kind of a supplier whose balance is below the operator's
// threshold (serve --low-balance), or below the cost of an order routed to it.
const AlertLowBalance = "low_balance"

// Availability is a Router that knows which variants no supplier can take an order for now
// (every supplier's circuit open, SKU demoted or balance short: gangguan). Such variants show
// as unavailable in every dialect's price list and orders for them are refused at once, before
// any money is held.
type Availability interface {
	Unavailable(ctx context.Context) (map[int64]bool, error)
}

// Standing is where a supplier's SKU stands in routing.
type Standing string

const (
	StandingOK      Standing = "ok"
	StandingDemoted Standing = "demoted" // cooling after too many failures: no orders
	StandingProbe   Standing = "probe"   // cooled: the next order probes it
	StandingProbing Standing = "probing" // a probe order is out: no others until it answers
)

// SKUStats is what routing knows of one supplier's SKU, from the answers one node got: what
// `kios supplier stats`, the admin API and the dashboard show.
type SKUStats struct {
	Node     string `json:"node,omitempty"` // the node whose router learned it
	Supplier string `json:"supplier"`
	SKU      string `json:"sku"`
	Outcomes int    `json:"outcomes"` // final answers in the window
	Success  int    `json:"successes"`
	Failed   int    `json:"failures"`
	// SuccessRate is Success ÷ Outcomes; nil without outcomes.
	SuccessRate *float64 `json:"success_rate"`
	P50Millis   int64    `json:"p50_ms"` // time from the attempt's first record to its final answer
	P95Millis   int64    `json:"p95_ms"`
	Standing    Standing `json:"standing"`
	// DemotedUntil is when a demoted SKU's cooling ends.
	DemotedUntil time.Time `json:"demoted_until,omitzero"`
	Demotions    int       `json:"demotions"`
	LastFailure  string    `json:"last_failure,omitempty"`
	LastFailAt   time.Time `json:"last_failure_at,omitzero"`
	UpdatedAt    time.Time `json:"updated_at,omitzero"` // when the node last saved it
}

// routingStatsMaxAge is how old a node's saved stats may be and still be shown: a node that
// stopped saving them is gone.
const routingStatsMaxAge = 10 * time.Minute

// SaveRoutingStats records what a node's router knows of each supplier SKU, so that the CLI,
// the admin API and other nodes' dashboards see it (the router's own view lives in memory).
func (s *Service) SaveRoutingStats(ctx context.Context, node string, stats []SKUStats) error {
	rows := make([]store.RoutingStat, 0, len(stats))
	for _, st := range stats {
		st.Node, st.UpdatedAt = "", time.Time{}
		b, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("routing stats of %s %s: %w", st.Supplier, st.SKU, err)
		}
		rows = append(rows, store.RoutingStat{Node: node, Supplier: st.Supplier, SKU: st.SKU, Stats: string(b)})
	}
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.RoutingStatsSave(ctx, node, rows) })
}

// RoutingStats lists the supplier SKU stats the nodes saved in the last ten minutes, by
// supplier, SKU and node; name, if not empty, keeps one supplier's.
func (s *Service) RoutingStats(ctx context.Context, name string) ([]SKUStats, error) {
	rows, err := s.db.RoutingStats(ctx, name, s.now().Add(-routingStatsMaxAge))
	if err != nil {
		return nil, err
	}
	out := make([]SKUStats, 0, len(rows))
	for _, r := range rows {
		var st SKUStats
		if err := json.Unmarshal([]byte(r.Stats), &st); err != nil {
			return nil, fmt.Errorf("routing stats of %s %s: %w", r.Supplier, r.SKU, err)
		}
		st.Node, st.Supplier, st.SKU, st.UpdatedAt = r.Node, r.Supplier, r.SKU, r.UpdatedAt
		out = append(out, st)
	}
	return out, nil
}
