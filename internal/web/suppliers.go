package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/breaker"
	"github.com/kios-h2h/kios/internal/upstream/health"
)

// SupplierHealth is what the supplier router knows of each supplier's standing.
type SupplierHealth interface {
	Breakers(ctx context.Context) (map[string]breaker.State, error)
	Window() *health.Window
	// Stats is what routing learned of a supplier's SKUs (every supplier's for "").
	Stats(name string) []core.SKUStats
	// Invalidate makes the router read the registry again after a change made here.
	Invalidate()
}

// SupplierPull fetches what suppliers publish (package pull over the router).
type SupplierPull interface {
	// Sync pulls one supplier's catalog; kind "prepaid" or "postpaid" pulls that list alone.
	Sync(ctx context.Context, name, kind string, progress core.SyncProgress) (core.SyncReport, error)
	Balance(ctx context.Context, name string) (int64, error)
}

// builtinName is the built-in simulator's name.
const builtinName = "simulator"

func (h *handler) suppliers(r *http.Request) []SupplierStatus {
	if h.opts.Suppliers != nil {
		return h.opts.Suppliers(r.Context())
	}
	list, err := h.supplierStatuses(r.Context())
	if err != nil {
		h.log.Error("supplier statuses", "err", err)
		return []SupplierStatus{{Name: "?", Detail: "could not read the supplier registry: see the server log"}}
	}
	return list
}

// supplierStatuses reads the registry, the mappings, the books and the router's health: every
// registered supplier, then the built-in simulator.
func (h *handler) supplierStatuses(ctx context.Context) ([]SupplierStatus, error) {
	sups, err := h.svc.Suppliers(ctx)
	if err != nil {
		return nil, err
	}
	maps, err := h.svc.SupplierMappings(ctx)
	if err != nil {
		return nil, err
	}
	var states map[string]breaker.State
	var win *health.Window
	if h.opts.Health != nil {
		if states, err = h.opts.Health.Breakers(ctx); err != nil {
			return nil, err
		}
		win = h.opts.Health.Window()
	}
	out := make([]SupplierStatus, 0, len(sups)+1)
	haveBuiltin := false
	for i := range sups {
		s := &sups[i]
		books, err := h.svc.SupplierLedgerBalance(ctx, s)
		if err != nil {
			return nil, err
		}
		st := SupplierStatus{Name: s.Name, Kind: s.Kind, BaseURL: s.BaseURL, Enabled: s.Enabled, Balance: s.Balance,
			HasBalance: !s.BalanceAt.IsZero(), Priority: maps[s.ID].Priority, MappedSKUs: maps[s.ID].SKUs,
			Breaker: string(states[s.Name]), LedgerBalance: books, MaxInflight: s.MaxInflight, Rate: s.Rate}
		if st.HasBalance {
			at := s.BalanceAt
			st.BalanceAt = &at
		}
		if s.Kind == supplier.KindOtomax {
			t, _ := replyPatterns(s.ReplyPatterns) // stored only once checked by the core
			st.CustomPatterns = !t.Empty()
			eff := t.WithDefaults()
			st.ReplyPatterns = &eff
		}
		h.addHealth(&st, win)
		if h.opts.Health != nil {
			st.SKUs = h.opts.Health.Stats(s.Name)
			for _, sku := range st.SKUs {
				if sku.Standing == core.StandingDemoted {
					st.Detail += fmt.Sprintf("; %s demoted", sku.SKU)
				}
			}
		}
		out = append(out, st)
		haveBuiltin = haveBuiltin || s.Name == builtinName
	}
	if !haveBuiltin {
		st := SupplierStatus{Name: builtinName, Kind: supplier.KindSimulator, Enabled: true, Builtin: true, Breaker: string(breaker.Closed)}
		h.addHealth(&st, win)
		st.Detail = "built-in simulator: no network, no money; serves testing orders"
		if len(sups) == 0 {
			st.Detail += " and every order until a supplier is registered"
		}
		out = append(out, st)
	}
	return out, nil
}

// addHealth fills in the last hour's calls and says in a word how the supplier stands.
func (h *handler) addHealth(st *SupplierStatus, win *health.Window) {
	if win != nil {
		c := win.Supplier(st.Name)
		st.Calls, st.SuccessRate, st.P95Millis, st.LastError = c.Calls, c.SuccessRate, c.P95Millis, c.LastError
		if !c.LastErrorAt.IsZero() {
			at := c.LastErrorAt
			st.LastErrorAt = &at
		}
	}
	st.Healthy = st.Enabled && st.Breaker != string(breaker.Open)
	switch {
	case st.Builtin:
	case !st.Enabled:
		st.Detail = "disabled: out of rotation"
	case st.Breaker == string(breaker.Open):
		st.Detail = "circuit open: out of rotation until the cool-down ends"
	case st.MappedSKUs == 0 && st.Kind != supplier.KindSimulator:
		st.Detail = "no SKU mapped yet: run a catalog sync or map one"
	default:
		st.Detail = fmt.Sprintf("%d SKUs mapped", st.MappedSKUs)
	}
}

func (h *handler) apiSuppliers(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	if h.opts.Suppliers != nil {
		writeJSON(w, http.StatusOK, map[string]any{"suppliers": h.opts.Suppliers(r.Context())})
		return
	}
	list, err := h.supplierStatuses(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"suppliers": list})
}
