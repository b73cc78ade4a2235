package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/kios-h2h/kios/internal/app"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
)

// The embedded catalog: one product whose price list holds every SKU, so that one price-list
// call answers all of them, as a distributor's full list does.
const (
	benchProduct = "bench-pulsa"
	benchTier    = catalog.DefaultTier
	benchPrice   = 1000
	benchFunds   = 1_000_000_000_000 // per reseller: never the limit
)

func benchSKU(i int) string { return fmt.Sprintf("BENCH_%05d", i) }

// target is the server under test: its base URL and a token per client slot, and, when it is
// embedded, its service for the final checks.
type target struct {
	base  string
	creds []cred // one per client slot (a remote target has one)
	skus  int
	svc   *core.Service // nil for a remote target
}

type embedded struct {
	*target
	dbKind   string
	cancel   context.CancelFunc
	done     chan error
	upstream func() // stops the upstream Kios of --supplier-http
}

// startEmbedded starts a Kios on 127.0.0.1 with the simulator at zero delay and no rate limit,
// seeds the price list and one funded reseller per client, and serves until stop.
func startEmbedded(ctx context.Context, cfg Config, dir string) (*embedded, error) {
	dbURL := cfg.DB
	if dbURL == "" {
		dbURL = "sqlite:" + filepath.Join(dir, "kios.db")
	}
	a, err := app.New(ctx, app.Config{
		Addr:          "127.0.0.1:0",
		DB:            dbURL,
		SecretKey:     cfg.SecretKey,
		SecretKeyFile: cfg.SecretKeyFile,
		SimDelay:      cfg.SupplierLatency,
		RateLimit:     0,
		// The bench fetches the full Digiswitch price list on purpose, many times a second.
		PriceListEvery: -1,
		Node:           "bench",
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		Stdout:         io.Discard,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded kios: %w", err)
	}
	svc := a.Service()
	if err := seed(ctx, svc, cfg.SKUs); err != nil {
		a.Close()
		return nil, err
	}
	n := cfg.Concurrency
	if cfg.Resellers > 0 && cfg.Resellers < n {
		n = cfg.Resellers
	}
	creds, err := resellers(ctx, svc, n, cfg.Slots)
	if err != nil {
		a.Close()
		return nil, err
	}
	var stopUp func()
	if cfg.SupplierHTTP != "" {
		if stopUp, err = startUpstream(ctx, cfg, dir, a); err != nil {
			a.Close()
			return nil, err
		}
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e := &embedded{
		upstream: stopUp,
		target:   &target{base: a.BaseURL(), creds: creds, skus: cfg.SKUs, svc: svc},
		dbKind:   backend.Kind(dbURL),
		cancel:   cancel,
		done:     make(chan error, 1),
	}
	go func() { e.done <- a.Run(runCtx) }()
	return e, nil
}

func (e *embedded) stop() {
	e.cancel()
	<-e.done
	if e.upstream != nil {
		e.upstream()
	}
}

func seed(ctx context.Context, svc *core.Service, skus int) error {
	p := catalog.Product{Code: benchProduct, Name: "Bench Pulsa", Category: "Pulsa", Brand: "BENCH", Active: true}
	vs := make([]catalog.Variant, skus)
	for i := range vs {
		vs[i] = catalog.Variant{
			ProductCode: benchProduct, Code: benchSKU(i), Name: fmt.Sprintf("Bench %d", i), Kind: catalog.Prepaid,
			Type: "Umum", Description: fmt.Sprintf("Pulsa bench Rp %d", benchPrice), Active: true, UnlimitedStock: true,
			Multi: true, ProcessDuration: "0", Prices: map[string]int64{benchTier: benchPrice + int64(i%7)},
		}
	}
	if err := svc.SaveCatalog(ctx, []catalog.Product{p}, vs); err != nil {
		return fmt.Errorf("seed catalog: %w", err)
	}
	return nil
}

// cred is what a client authenticates with: a BASSTORE token, or a Digiswitch username and key.
type cred struct{ token, username, apiKey string }

// resellers creates n funded resellers, one per client, each with slots balance slots, and
// returns their credentials.
func resellers(ctx context.Context, svc *core.Service, n, slots int) ([]cred, error) {
	creds := make([]cred, n)
	for i := range creds {
		cr, err := svc.CreateReseller(ctx, core.NewReseller{
			Username: fmt.Sprintf("bench%03d", i), Name: fmt.Sprintf("Bench %d", i), Membership: benchTier,
		})
		if err != nil {
			return nil, fmt.Errorf("bench reseller: %w", err)
		}
		if _, err := svc.Credit(ctx, cr.Reseller.Username, benchFunds, "bench"); err != nil {
			return nil, fmt.Errorf("bench reseller: %w", err)
		}
		if slots > 0 {
			if err := svc.SetBalanceSlots(ctx, cr.Reseller.Username, slots); err != nil {
				return nil, fmt.Errorf("bench reseller: %w", err)
			}
		}
		creds[i] = cred{token: cr.Token, username: cr.Reseller.Username, apiKey: cr.APIKey}
	}
	return creds, nil
}

type fulfilResult struct {
	final int64
	last  time.Duration // since the order phase began, when the last order was final
	// window is from the first order made final to the last (embedded only): the span over
	// which the server completed orders, without the one latency it takes to fill the pipeline.
	window time.Duration
	err    error
}

// maxWindowOrders is the most orders finalWindow reads to time their fulfilment exactly.
const maxWindowOrders = 200_000

// finalTimeout bounds the wait for orders to be final; the simulator answers at once, so only a
// stuck server gets near it.
const finalTimeout = 5 * time.Minute

// waitFinal waits until every accepted order is final: total orders, whose invoices (kept for a
// remote target only) are asked one by one; an embedded server is asked for its Pending orders.
func (t *target) waitFinal(ctx context.Context, drv driver, invoices [][]string, total int64, start time.Time) fulfilResult {
	ctx, cancel := context.WithTimeout(ctx, finalTimeout)
	defer cancel()
	if t.svc != nil {
		for {
			pending, err := t.svc.Orders(ctx, store.OrderFilter{Status: order.Pending, Limit: 1})
			if err != nil {
				return fulfilResult{err: err}
			}
			if len(pending) == 0 {
				fr := fulfilResult{final: total, last: time.Since(start)}
				if total > maxWindowOrders {
					// finalWindow reads every order; over a 10M soak that took 15 GB and more
					// than finalTimeout. The window from the start is one latency longer.
					fr.window = fr.last
					return fr
				}
				fr.window, fr.err = t.finalWindow(ctx, start, total)
				return fr
			}
			select {
			case <-ctx.Done():
				return fulfilResult{err: ctx.Err()}
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	// A remote target: ask each order's status until it is final.
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for w, list := range invoices {
		wg.Add(1)
		go func(w int, list []string) {
			defer wg.Done()
			for _, inv := range list {
				for {
					final, err := drv.status(ctx, w, inv)
					if err == nil && final {
						break
					}
					if ctx.Err() != nil {
						mu.Lock()
						errs = append(errs, fmt.Errorf("%s: %w", inv, ctx.Err()))
						mu.Unlock()
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
		}(w, list)
	}
	wg.Wait()
	if len(errs) > 0 {
		return fulfilResult{err: errors.Join(errs...)}
	}
	return fulfilResult{final: total, last: time.Since(start)}
}

// finalWindow is the time from the first to the last of the orders placed since start to be
// made final (their updated_at).
func (t *target) finalWindow(ctx context.Context, start time.Time, n int64) (time.Duration, error) {
	list, err := t.svc.Orders(ctx, store.OrderFilter{Since: start, Limit: int(n) + 1})
	if err != nil {
		return 0, err
	}
	var first, last time.Time
	for _, o := range list {
		if first.IsZero() || o.UpdatedAt.Before(first) {
			first = o.UpdatedAt
		}
		if o.UpdatedAt.After(last) {
			last = o.UpdatedAt
		}
	}
	return max(last.Sub(first), time.Millisecond), nil
}

// ledgerCheck runs the ledger check on an embedded target.
func (t *target) ledgerCheck(ctx context.Context) (bool, string) {
	if t.svc == nil {
		return false, "not checked: a remote target's ledger is checked with kios ledger check on its database"
	}
	rep, err := t.svc.LedgerCheck(ctx)
	if err != nil {
		return false, err.Error()
	}
	if !rep.OK() {
		return false, fmt.Sprintf("%d discrepancies, first: %s", len(rep.Discrepancies), rep.Discrepancies[0])
	}
	return true, fmt.Sprintf("%d accounts, %d postings", rep.Accounts, rep.Postings)
}
