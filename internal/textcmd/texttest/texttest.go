// Package texttest sets up what the text transports' tests share: a kit (internal/kiostest) with
// a small catalog and a funded reseller with a PIN, and the text engine, with the fulfilment and
// text workers running. It is a thin layer over kiostest: the store, the core, the reseller, its
// balance and the ledger check are the kit's.
package texttest

import (
	"context"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/textcmd"
	"golang.org/x/crypto/bcrypt"
)

// PIN is the reseller's PIN; Reseller its username; Funds its balance at start.
const (
	PIN      = "1234"
	Reseller = "budi"
	Funds    = 100000
)

// Kit is a kiostest kit with a text engine.
type Kit struct {
	*kiostest.Kit
	Eng *textcmd.Engine
}

// New sets up a Kit on backend be: variants S5 (Rp 5.005, once a day per number) and X5
// (Rp 5.100, repeatable), reseller budi with Rp 100.000 and PIN 1234.
func New(t *testing.T, be storetest.Backend) *Kit {
	t.Helper()
	k := kiostest.Setup(t, kiostest.Options{Backend: &be, Username: Reseller, Name: "Toko Budi", Balance: Funds,
		Products: []catalog.Product{{Code: "tsel", Name: "Telkomsel", Active: true}},
		Variants: []catalog.Variant{
			{ProductCode: "tsel", Code: "S5", Name: "5.000", Active: true, UnlimitedStock: true, Prices: map[string]int64{"default": 5005}},
			{ProductCode: "tsel", Code: "X5", Name: "Multi 5.000", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 5100}},
		}})
	eng := textcmd.New(k.Svc, textcmd.Options{PinCost: bcrypt.MinCost, Throttle: textcmd.Throttle{Rate: 1000, Burst: 1000}})
	if err := eng.SetPIN(context.Background(), Reseller, PIN); err != nil {
		t.Fatal(err)
	}
	return &Kit{Kit: k, Eng: eng}
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
	k.RunWith(core.WorkerConfig{Poll: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = k.Eng.Run(ctx, senders, textcmd.WorkerConfig{Poll: 20 * time.Millisecond, RetryBase: 20 * time.Millisecond})
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
}
