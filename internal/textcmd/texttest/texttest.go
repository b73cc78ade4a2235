// Package texttest sets up what the text transports' tests share: a core on a fresh database
// with a small catalog, a funded reseller with a PIN, and the text engine, with the fulfilment
// and text workers running.
package texttest

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/textcmd"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
	"golang.org/x/crypto/bcrypt"
)

// PIN is the reseller's PIN; Reseller its username; Funds its balance at start.
const (
	PIN      = "1234"
	Reseller = "budi"
	Funds    = 100000
)

// Kit is a core and a text engine on a fresh database.
type Kit struct {
	Svc        *core.Service
	DB         *store.DB // the store under Svc, for what a test checks the core wrote
	Eng        *textcmd.Engine
	ResellerID int64
}

// New sets up a Kit on backend be: variants S5 (Rp 5.005, once a day per number) and X5
// (Rp 5.100, repeatable), reseller budi with Rp 100.000 and PIN 1234.
func New(t *testing.T, be storetest.Backend) *Kit {
	t.Helper()
	ctx := context.Background()
	db := be.Open(t)
	svc, err := core.New(ctx, db, core.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Router: simroute.New(0)})
	if err != nil {
		t.Fatal(err)
	}
	err = svc.SaveCatalog(ctx, []catalog.Product{{Code: "tsel", Name: "Telkomsel", Active: true}},
		[]catalog.Variant{
			{ProductCode: "tsel", Code: "S5", Name: "5.000", Active: true, UnlimitedStock: true, Prices: map[string]int64{"default": 5005}},
			{ProductCode: "tsel", Code: "X5", Name: "Multi 5.000", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 5100}},
		})
	if err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Toko Budi", Username: Reseller})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credit(ctx, Reseller, Funds, "test"); err != nil {
		t.Fatal(err)
	}
	eng := textcmd.New(svc, textcmd.Options{PinCost: bcrypt.MinCost, Throttle: textcmd.Throttle{Rate: 1000, Burst: 1000}})
	if err := eng.SetPIN(ctx, Reseller, PIN); err != nil {
		t.Fatal(err)
	}
	return &Kit{Svc: svc, DB: db, Eng: eng, ResellerID: cr.Reseller.ID}
}

// Bind binds an identity to the reseller.
func (k *Kit) Bind(t *testing.T, channel, id string) {
	t.Helper()
	if _, _, err := k.Eng.Bind(context.Background(), Reseller, channel, id); err != nil {
		t.Fatal(err)
	}
}

// Run runs the fulfilment workers and the text worker with senders until the test ends.
func (k *Kit) Run(t *testing.T, senders map[string]textcmd.Sender) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = k.Svc.RunWorkers(ctx, core.WorkerConfig{Poll: 20 * time.Millisecond}); done <- struct{}{} }()
	go func() {
		_ = k.Eng.Run(ctx, senders, textcmd.WorkerConfig{Poll: 20 * time.Millisecond, RetryBase: 20 * time.Millisecond})
		done <- struct{}{}
	}()
	t.Cleanup(func() { cancel(); <-done; <-done })
}

// Balance is the reseller's balance.
func (k *Kit) Balance(t *testing.T) int64 {
	t.Helper()
	b, err := k.Svc.Balance(context.Background(), k.ResellerID)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// LedgerOK fails the test on any ledger discrepancy.
func (k *Kit) LedgerOK(t *testing.T) {
	t.Helper()
	rep, err := k.Svc.LedgerCheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger: %+v", rep)
	}
}
