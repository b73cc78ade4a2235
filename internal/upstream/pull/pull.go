// Package pull fetches what suppliers publish — their catalogs with costs, and Kios's balance
// at each — and saves it through core: once on demand (`kios catalog sync`), or on a schedule
// in the server (`--sync-every`).
package pull

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

// ErrUnsupported is returned for a supplier whose connector cannot list a catalog or a balance.
var ErrUnsupported = supplier.ErrUnsupported

// Catalog pulls one supplier's catalog and saves it (see core.SyncCatalog).
func Catalog(ctx context.Context, svc *core.Service, rt *route.Router, name string, progress core.SyncProgress) (core.SyncReport, error) {
	return CatalogKind(ctx, svc, rt, name, "", progress)
}

// CatalogKind is Catalog for one kind of list, "prepaid" or "postpaid" ("" means every kind the
// supplier lists). Only what the list holds is retired from, so the other kind stays as it was.
func CatalogKind(ctx context.Context, svc *core.Service, rt *route.Router, name, kind string, progress core.SyncProgress) (core.SyncReport, error) {
	c, err := rt.Conn(ctx, name)
	if err != nil {
		return core.SyncReport{}, err
	}
	var items []supplier.Item
	if kind == "" {
		items, err = c.Upstream().Catalog(ctx)
	} else {
		items, err = c.Upstream().CatalogKind(ctx, kind)
	}
	if errors.Is(err, supplier.ErrUnsupported) {
		return core.SyncReport{}, fmt.Errorf("supplier %s: catalog: %w", name, ErrUnsupported)
	}
	if err != nil {
		return core.SyncReport{}, fmt.Errorf("supplier %s: fetch catalog: %w", name, err)
	}
	return svc.SyncCatalog(ctx, name, items, progress)
}

// Balance fetches Kios's balance at a supplier and records it.
func Balance(ctx context.Context, svc *core.Service, rt *route.Router, name string) (int64, error) {
	c, err := rt.Conn(ctx, name)
	if err != nil {
		return 0, err
	}
	bal, err := c.Upstream().Balance(ctx)
	if errors.Is(err, supplier.ErrUnsupported) {
		return 0, fmt.Errorf("supplier %s: balance: %w", name, ErrUnsupported)
	}
	if err != nil {
		return 0, fmt.Errorf("supplier %s: fetch balance: %w", name, err)
	}
	return bal, svc.SetSupplierBalance(ctx, name, bal)
}

// All pulls every enabled supplier's catalog and balance (or one supplier's, when only is not
// empty). A supplier that fails does not stop the others; the errors are returned joined.
// progress, if not nil, gives the progress callback for each supplier's sync.
func All(ctx context.Context, svc *core.Service, rt *route.Router, only string, progress func(name string) core.SyncProgress) error {
	return all(ctx, svc, rt, only, progress, nil)
}

// all is All; listed, when not nil, decides whether a supplier's catalog is pulled this time
// (its balance always is).
func all(ctx context.Context, svc *core.Service, rt *route.Router, only string, progress func(name string) core.SyncProgress, listed func(name string) bool) error {
	sups, err := svc.Suppliers(ctx)
	if err != nil {
		return err
	}
	var errs []error
	found := false
	for _, s := range sups {
		if (only != "" && s.Name != only) || (only == "" && !s.Enabled) {
			continue
		}
		found = true
		var p core.SyncProgress
		if progress != nil {
			p = progress(s.Name)
		}
		if listed == nil || listed(s.Name) {
			if _, err := Catalog(ctx, svc, rt, s.Name, p); err != nil && !errors.Is(err, ErrUnsupported) {
				errs = append(errs, err)
			}
		}
		if _, err := Balance(ctx, svc, rt, s.Name); err != nil && !errors.Is(err, ErrUnsupported) {
			errs = append(errs, err)
		}
	}
	if only != "" && !found {
		return fmt.Errorf("supplier %s: not registered", only)
	}
	return errors.Join(errs...)
}

// MinListEvery is how often at most a scheduled sync asks one supplier for its price lists:
// Digiflazz allows one full list per 5 minutes (rc 83), and Kios's own dialects the same.
const MinListEvery = 5 * time.Minute

// Every runs All every interval until ctx ends, logging what fails. A supplier's price lists are
// asked at most once per MinListEvery, whatever the interval (balances at every run).
func Every(ctx context.Context, svc *core.Service, rt *route.Router, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	last := map[string]time.Time{}
	listed := func(name string) bool {
		if at, ok := last[name]; ok && time.Since(at) < MinListEvery {
			return false
		}
		last[name] = time.Now()
		return true
	}
	for {
		if err := all(ctx, svc, rt, "", nil, listed); err != nil && ctx.Err() == nil {
			svc.Logger().Error("scheduled supplier sync", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Puller is Catalog and Balance over one service and router, for the admin API.
type Puller struct {
	Svc    *core.Service
	Router *route.Router
}

// Sync pulls one supplier's catalog, or one kind of its lists (see CatalogKind).
func (p Puller) Sync(ctx context.Context, name, kind string, progress core.SyncProgress) (core.SyncReport, error) {
	return CatalogKind(ctx, p.Svc, p.Router, name, kind, progress)
}

// Balance fetches and records Kios's balance at a supplier (see Balance).
func (p Puller) Balance(ctx context.Context, name string) (int64, error) {
	return Balance(ctx, p.Svc, p.Router, name)
}
