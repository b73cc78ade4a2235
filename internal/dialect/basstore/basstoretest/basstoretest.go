// Package basstoretest starts a real BASSTORE v1 server for tests: the test kit
// (internal/kiostest: a fresh database, a real core.Service with the simulator supplier, waits on
// the core's Final signal) with the BASSTORE test catalog, two resellers, and the dialect handler
// alone on the kit's httptest server listening on 127.0.0.1. The dialect's own tests, the public
// client's and the BASSTORE supplier connector's tests all drive it; it holds only what is
// BASSTORE's (catalog, resellers, clock, log capture) over the kit.
package basstoretest

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/checkid"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect"
	"github.com/kios-h2h/kios/internal/dialect/basstore"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// Config shapes an Env.
type Config struct {
	// Backend is the database to run on; the zero value means SQLite.
	Backend storetest.Backend
	// Policy configures the access guard (rate limit, trusted proxies).
	Policy access.Policy
	// MaxBody is the handler's body limit; 0 means its default.
	MaxBody int64
	// Workers runs the fulfilment workers for the test's lifetime.
	Workers bool
	// SimDelay is how long each simulated purchase takes.
	SimDelay time.Duration
	// Now is the core's clock; nil means Clock, a clock that starts at 10:00 Jakarta time.
	Now func() time.Time
	// Logger replaces the default, which keeps everything down to debug level in Env.Logs.
	Logger *slog.Logger
	// Router replaces the simulator taking SimDelay.
	Router core.Router
}

// Start is the wall time Clock starts at: 10:00 WIB, inside S50's cut-off window and outside
// every other's, so tests of the cut-off do not depend on when they run.
var Start = time.Date(2026, 11, 24, 10, 0, 0, 0, catalog.Jakarta)

// Clock returns a clock that starts at Start and runs at the speed of the real one (workers
// schedule retries by it, so it must move).
func Clock() func() time.Time {
	t0 := time.Now()
	return func() time.Time { return Start.Add(time.Since(t0)) }
}

// Env is a running server and what it runs on.
type Env struct {
	// Kit is the test kit under the server; its reseller is A.
	Kit    *kiostest.Kit
	DB     *store.DB
	Svc    *core.Service
	Server *httptest.Server
	URL    string
	Guard  *access.Guard
	// A is the main caller: membership "Gold", loopback allowed. B is another reseller (tier
	// "default"), to check that one cannot see the other's orders.
	A, B core.Credentials
	Logs *SafeBuffer
}

// SafeBuffer is a bytes.Buffer safe for concurrent writes, to collect logs.
type SafeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SafeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written.
func (s *SafeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Products and Variants are the test catalog.
var (
	Products = []catalog.Product{
		{Code: "mobile-legends", Name: "Mobile Legends", Category: "Games", Brand: "MOBILE LEGENDS", Active: true},
		{Code: "free-fire", Name: "Free Fire", Category: "Games", Brand: "FREE FIRE", Active: true},
		{Code: "telkomsel", Name: "Telkomsel", Category: "Pulsa", Brand: "TELKOMSEL", Active: true},
		{Code: "old-game", Name: "Old Game", Category: "Games", Brand: "OLD", Active: false},
	}
	Variants = []catalog.Variant{
		{ProductCode: "mobile-legends", Code: "MLBB_ID_5", Name: "5 (5+0) Diamonds", Active: true, UnlimitedStock: true, Multi: true, ProcessDuration: "0",
			Prices: map[string]int64{"default": 1400, "Gold": 1389}},
		{ProductCode: "mobile-legends", Code: "MLBB_ID_12", Name: "12 (11+1) Diamonds", Active: true, UnlimitedStock: true, Multi: true, ProcessDuration: "0",
			Prices: map[string]int64{"default": 3350, "Gold": 3300}},
		{ProductCode: "mobile-legends", Code: "MLBB_WDP", Name: "Weekly Diamond Pass", Active: true, Stock: 3, Multi: true, ProcessDuration: "60",
			Prices: map[string]int64{"default": 27500}},
		{ProductCode: "mobile-legends", Code: "MLBB_SOLD", Name: "Twilight Pass", Active: true, Stock: 0, Multi: true, ProcessDuration: "60",
			Prices: map[string]int64{"default": 140000}},
		{ProductCode: "mobile-legends", Code: "MLBB_OFF", Name: "Starlight Member", Active: false, UnlimitedStock: true, Multi: true,
			Prices: map[string]int64{"default": 150000}},
		{ProductCode: "mobile-legends", Code: "MLBB_VIP", Name: "VIP only", Active: true, UnlimitedStock: true, Multi: true,
			Prices: map[string]int64{"Platinum": 1000}},
		{ProductCode: "free-fire", Code: "FF_5", Name: "5 Diamonds", Active: true, UnlimitedStock: true, Multi: true, ProcessDuration: "0",
			Prices: map[string]int64{"default": 900}},
		{ProductCode: "telkomsel", Code: "S5", Name: "Telkomsel 5.000", Active: true, UnlimitedStock: true, Multi: false, ProcessDuration: "5",
			Prices: map[string]int64{"default": 5005}},
		{ProductCode: "telkomsel", Code: "S50", Name: "Telkomsel 50.000", Active: true, UnlimitedStock: true, Multi: true, ProcessDuration: "5",
			CutoffStart: 9 * 60, CutoffEnd: 11 * 60, Prices: map[string]int64{"default": 49030}},
		{ProductCode: "old-game", Code: "OLD_1", Name: "1 Coin", Active: true, UnlimitedStock: true, Multi: true,
			Prices: map[string]int64{"default": 100}},
	}
)

// New starts an Env; everything stops when the test ends.
func New(t testing.TB, cfg Config) *Env {
	t.Helper()
	if cfg.Backend.URL == nil {
		cfg.Backend = storetest.Backends()[0]
	}
	if cfg.Now == nil {
		cfg.Now = Clock()
	}
	logs := &SafeBuffer{}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	router := cfg.Router
	if router == nil {
		router = simroute.New(cfg.SimDelay)
	}
	guard := access.New(cfg.Policy)
	k := kiostest.Setup(t, kiostest.Options{Backend: &cfg.Backend, Router: router, Now: cfg.Now, Logger: log, Guard: guard,
		MaxBody: cfg.MaxBody, CheckID: checkid.New(checkid.Options{}, checkid.Simulator{}), Products: Products, Variants: Variants,
		// A is created unfunded; tests Fund what they spend.
		Reseller: &core.NewReseller{Name: "Cishop Indo", Email: "support@cishopindo.co.id", Phone: "6282113064552", Membership: "Gold"},
		Balance:  -1,
		Handler: func(svc *core.Service, env dialect.Env) http.Handler {
			return basstore.New(svc, basstore.Options{Guard: env.Guard, Logger: env.Logger, MaxBody: env.MaxBody})
		}})
	b, err := k.Svc.CreateReseller(context.Background(), core.NewReseller{Name: "Other Shop", Email: "other@example.com", Phone: "628111",
		AllowIPs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Workers {
		k.RunWith(core.WorkerConfig{Poll: 20 * time.Millisecond, ShutdownGrace: 2 * time.Second})
	}
	return &Env{Kit: k, DB: k.DB, Svc: k.Svc, Server: k.Server, URL: k.Server.URL, Guard: guard, A: k.Reseller, B: b, Logs: logs}
}

// Fund credits a reseller.
func (e *Env) Fund(t testing.TB, cr core.Credentials, amount int64) {
	t.Helper()
	if _, err := e.Svc.Credit(context.Background(), cr.Reseller.Username, amount, "test"); err != nil {
		t.Fatal(err)
	}
}

// Balance is a reseller's available balance.
func (e *Env) Balance(t testing.TB, cr core.Credentials) int64 {
	t.Helper()
	b, err := e.Svc.Balance(context.Background(), cr.Reseller.ID)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// OrderCount counts all orders.
func (e *Env) OrderCount(t testing.TB) int64 {
	t.Helper()
	return e.Kit.OrderCount(t)
}

// WaitFinal waits until a reseller's order is Success or Failed, on the core's Final signal.
func (e *Env) WaitFinal(t testing.TB, cr core.Credentials, invoice string) *order.Order {
	t.Helper()
	return e.Kit.WaitInvoice(t, cr.Reseller.ID, invoice)
}

// CheckLedger fails the test unless the ledger's invariants hold.
func (e *Env) CheckLedger(t testing.TB) {
	t.Helper()
	e.Kit.CheckLedger(t)
}

// CheckNoSecrets fails the test if a reseller's token appears in the logs.
func (e *Env) CheckNoSecrets(t testing.TB) {
	t.Helper()
	logs := e.Logs.String()
	for _, tok := range []string{e.A.Token, e.B.Token} {
		if tok != "" && strings.Contains(logs, tok) {
			t.Fatal("a token reached the logs")
		}
	}
}
