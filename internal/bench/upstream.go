package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/kios-h2h/kios/internal/app"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
)

// upstreamName is the supplier the embedded Kios buys from with --supplier-http.
const upstreamName = "up"

// startUpstream starts a second Kios on 127.0.0.1 whose simulator's purchases take the
// configured latency, selling the bench catalog to one reseller, and registers it in down as the
// supplier of every bench SKU over the dialect cfg.SupplierHTTP: the connector, its connection
// pool and the upstream's callbacks to down's /callback/up are all in the measured path.
func startUpstream(ctx context.Context, cfg Config, dir string, down *app.App) (stop func(), err error) {
	u, err := app.New(ctx, app.Config{
		Addr:                 "127.0.0.1:0",
		DB:                   "sqlite:" + filepath.Join(dir, "upstream.db"),
		SimDelay:             cfg.SupplierLatency,
		RateLimit:            0,
		PriceListEvery:       -1,
		CallbackAllowPrivate: true,
		Node:                 "bench-upstream",
		Logger:               slog.New(slog.NewTextHandler(io.Discard, nil)),
		Stdout:               io.Discard,
	})
	if err != nil {
		return nil, fmt.Errorf("upstream kios: %w", err)
	}
	usvc := u.Service()
	if err := seed(ctx, usvc, cfg.SKUs); err != nil {
		u.Close()
		return nil, err
	}
	cr, err := usvc.CreateReseller(ctx, core.NewReseller{Username: "downstream", Name: "Bench downstream", Membership: benchTier})
	if err != nil {
		u.Close()
		return nil, fmt.Errorf("upstream reseller: %w", err)
	}
	if _, err := usvc.Credit(ctx, cr.Reseller.Username, benchFunds, "bench"); err != nil {
		u.Close()
		return nil, fmt.Errorf("upstream reseller: %w", err)
	}
	if err := usvc.SetCallback(ctx, cr.Reseller.Username, down.BaseURL()+"/callback/"+upstreamName); err != nil {
		u.Close()
		return nil, fmt.Errorf("upstream reseller callback: %w", err)
	}
	n := core.NewSupplier{Name: upstreamName, Kind: cfg.SupplierHTTP, BaseURL: u.BaseURL(), APIKey: cr.APIKey}
	switch cfg.SupplierHTTP {
	case store.KindBasstore:
		n.Token = cr.Token
	case store.KindDigiswitch:
		n.Username = cr.Reseller.Username
	case store.KindDigiflazz:
		n.Username, n.BaseURL = cr.Reseller.Username, u.BaseURL()+"/v1"
	}
	dsvc := down.Service()
	if _, err := dsvc.AddSupplier(ctx, n); err != nil {
		u.Close()
		return nil, fmt.Errorf("register upstream: %w", err)
	}
	// Each bench SKU at the upstream's own price for it: mapped to our variant of the same code,
	// and no answer reprices anything mid-run.
	items := make([]supplier.Item, cfg.SKUs)
	for i := range items {
		items[i] = supplier.Item{Code: benchSKU(i), Name: fmt.Sprintf("Bench %d", i), ProductCode: benchProduct, ProductName: "Bench Pulsa",
			Cost: benchPrice + int64(i%7), Active: true}
	}
	if _, err := dsvc.SyncCatalog(ctx, upstreamName, items, nil); err != nil {
		u.Close()
		return nil, fmt.Errorf("map upstream catalog: %w", err)
	}
	down.SupplierChanged()
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- u.Run(runCtx) }()
	return func() { cancel(); <-done }, nil
}
