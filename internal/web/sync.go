package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/supplier"
)

// SyncRun is a catalog sync started from the admin API or dashboard, as its progress is asked
// after: one supplier after another, each with how many of its products are saved so far.
type SyncRun struct {
	ID         int64          `json:"id"`
	State      string         `json:"state"` // running, done, failed (at least one supplier failed)
	Kind       string         `json:"kind,omitempty"`
	By         string         `json:"by"`
	StartedAt  time.Time      `json:"started_at"`
	FinishedAt *time.Time     `json:"finished_at,omitempty"`
	Suppliers  []SyncSupplier `json:"suppliers"`
}

// SyncSupplier is one supplier's part of a sync.
type SyncSupplier struct {
	Name   string          `json:"name"`
	State  string          `json:"state"` // waiting, running, done, failed
	Done   int             `json:"done"`
	Total  int             `json:"total"`
	Report *SyncReportView `json:"report,omitempty"`
	Error  string          `json:"error,omitempty"`
}

// SyncReportView is core.SyncReport with JSON names.
type SyncReportView struct {
	Items           int `json:"items"`
	New             int `json:"new"`
	CostChanged     int `json:"cost_changed"`
	VariantsCreated int `json:"variants_created"`
	PricesChanged   int `json:"prices_changed"`
	Retired         int `json:"retired"`
}

// syncs holds the newest catalog sync of this process. One runs at a time: two at once would
// only fight over the same rows and the supplier's rate limits.
type syncs struct {
	mu   sync.Mutex
	next int64
	last *SyncRun
}

// snapshot copies the newest run, so it can be encoded while the run goes on.
func (s *syncs) snapshot() *SyncRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		return nil
	}
	c := *s.last
	c.Suppliers = append([]SyncSupplier(nil), s.last.Suppliers...)
	return &c
}

// syncTimeout bounds a sync that a supplier keeps from ending.
const syncTimeout = 30 * time.Minute

// startSync begins syncing the named supplier (every enabled one when only is ""), or answers
// the run already going on with false.
func (h *handler) startSync(r *http.Request, id *admin.Identity, only, kind string) (*SyncRun, bool, error) {
	sups, err := h.svc.Suppliers(r.Context())
	if err != nil {
		return nil, false, err
	}
	var names []string
	for _, s := range sups {
		if (only != "" && s.Name == only) || (only == "" && s.Enabled) {
			names = append(names, s.Name)
		}
	}
	if only != "" && len(names) == 0 {
		return nil, false, supplier.ErrNotFound
	}
	h.syncs.mu.Lock()
	if h.syncs.last != nil && h.syncs.last.State == "running" {
		h.syncs.mu.Unlock()
		return h.syncs.snapshot(), false, nil
	}
	h.syncs.next++
	run := &SyncRun{ID: h.syncs.next, State: "running", Kind: kind, By: h.actor(r, id).Name, StartedAt: h.svc.Now()}
	for _, n := range names {
		run.Suppliers = append(run.Suppliers, SyncSupplier{Name: n, State: "waiting"})
	}
	if len(names) == 0 {
		run.State = "done"
		at := run.StartedAt
		run.FinishedAt = &at
	}
	h.syncs.last = run
	h.syncs.mu.Unlock()

	// The sync outlives the request that started it; the audit row of each supplier's sync
	// commits with its first saved chunk.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), syncTimeout)
	a := h.actor(r, id)
	go func() {
		defer cancel()
		h.runSync(ctx, run, a, kind)
	}()
	return h.syncs.snapshot(), true, nil
}

func (h *handler) runSync(ctx context.Context, run *SyncRun, by admin.Actor, kind string) {
	update := func(i int, fn func(*SyncSupplier)) {
		h.syncs.mu.Lock()
		fn(&run.Suppliers[i])
		h.syncs.mu.Unlock()
	}
	failed := false
	for i := range run.Suppliers {
		h.syncs.mu.Lock()
		name := run.Suppliers[i].Name
		run.Suppliers[i].State = "running"
		h.syncs.mu.Unlock()
		after := map[string]string{"kind": kind}
		actx := audit.With(ctx, audit.Entry{Actor: by.Name, IP: by.IP, Action: "catalog.sync", Target: "supplier:" + name, After: jsonText(after)})
		rep, err := h.opts.Pull.Sync(actx, name, kind, func(done, total int) {
			update(i, func(s *SyncSupplier) { s.Done, s.Total = done, total })
		})
		if err != nil {
			failed = true
			h.log.Warn("catalog sync", "supplier", name, "err", err)
			update(i, func(s *SyncSupplier) { s.State, s.Error = "failed", err.Error() })
			continue
		}
		if !audit.Written(actx) {
			h.as.Record(ctx, by, "catalog.sync", "supplier:"+name, nil, after)
		}
		update(i, func(s *SyncSupplier) {
			s.State = "done"
			v := reportOf(rep)
			s.Report = &v
			if s.Total == 0 {
				s.Done, s.Total = rep.Items, rep.Items
			}
		})
		// A sync fetches the balance too, as `kios catalog sync` does; a supplier that cannot
		// tell it is not a failed sync.
		if _, err := h.opts.Pull.Balance(ctx, name); err != nil {
			h.log.Info("catalog sync: balance", "supplier", name, "err", err)
		}
	}
	h.supplierChanged()
	h.syncs.mu.Lock()
	run.State = "done"
	if failed {
		run.State = "failed"
	}
	at := h.svc.Now()
	run.FinishedAt = &at
	h.syncs.mu.Unlock()
}

func (h *handler) apiSyncStart(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Supplier string `json:"supplier"`
		Kind     string `json:"kind"`
	}
	if r.ContentLength != 0 && !decode(w, r, &req) {
		return
	}
	if req.Kind != "" && req.Kind != "prepaid" && req.Kind != "postpaid" {
		writeError(w, http.StatusBadRequest, "kind must be prepaid or postpaid", "kind")
		return
	}
	if h.opts.Pull == nil {
		writeError(w, http.StatusServiceUnavailable, "this server cannot reach suppliers", "")
		return
	}
	run, started, err := h.startSync(r, id, req.Supplier, req.Kind)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !started {
		writeJSON(w, http.StatusConflict, map[string]any{"error": "a catalog sync is already running", "sync": run})
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"sync": run})
}

func (h *handler) apiSyncStatus(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	writeJSON(w, http.StatusOK, map[string]any{"sync": h.syncs.snapshot()})
}

// reportOf names a sync report's counts for JSON.
func reportOf(rep core.SyncReport) SyncReportView {
	return SyncReportView{Items: rep.Items, New: rep.New, CostChanged: rep.CostChanged,
		VariantsCreated: rep.VariantsCreated, PricesChanged: rep.PricesChanged, Retired: rep.Retired}
}
