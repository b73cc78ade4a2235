package hostile_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/hostile"
	"github.com/kios-h2h/kios/internal/supplier/verdict"
	"github.com/kios-h2h/kios/internal/upstream/inbound"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

func check(t *testing.T, what string, c hostile.Case, w hostile.Want, res supplier.Result, err error) {
	t.Helper()
	if w.State == "" {
		return
	}
	if w.State == supplier.Unknown {
		if !errors.Is(err, supplier.ErrUnknownOutcome) {
			t.Fatalf("%s: %+v %v, want an unknown outcome", what, res, err)
		}
		return
	}
	if err != nil || res.State != w.State || res.Unreachable != w.Unreachable {
		t.Fatalf("%s: %+v %v, want %s (unreachable %v)", what, res, err, w.State, w.Unreachable)
	}
	if w.State == supplier.Success && (res.Cost != w.Cost || (res.SN == "") != c.B.NoSN) {
		t.Fatalf("%s: cost %d sn %q, want cost %d (no sn: %v)", what, res.Cost, res.SN, w.Cost, c.B.NoSN)
	}
}

// TestConnectors runs every behaviour of every dialect against its connector: what the purchase
// and the first status check after it answer.
func TestConnectors(t *testing.T) {
	t.Parallel()
	for _, d := range hostile.Dialects {
		cases := hostile.Cases(d)
		if len(cases) < 25 {
			t.Errorf("%s: %d behaviours, want at least 25", d, len(cases))
		}
		for _, c := range cases {
			t.Run(string(d)+"/"+c.Name, func(t *testing.T) {
				t.Parallel()
				up := hostile.New(t, d, c.B)
				conn := up.Connector("up", 300*time.Millisecond)
				ctx := context.Background()
				req := supplier.Request{Reference: "INV-1", SKU: "SKU1", Destination: "081234567890", MaxPrice: c.MaxPrice}
				res, err := conn.Purchase(ctx, req)
				check(t, "purchase", c, c.Purchase, res, err)
				if c.Status.State == "" {
					return
				}
				req.UpstreamRef = res.UpstreamRef
				res, err = conn.Status(ctx, req)
				check(t, "status", c, c.Status, res, err)
				if n := up.Purchases(); n > 1 {
					t.Fatalf("%d purchases upstream", n)
				}
			})
		}
	}
}

// Amounts of the end-to-end runs.
const (
	price = 1000
	funds = 10000
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// kios is a Kios on one backend buying V1 from "up" (the hostile fake) first and "backup" (an
// honest fake of the same dialect) second, with its callback receiver running.
type kios struct {
	db  *store.DB
	svc *core.Service
	cr  core.Credentials

	mu     sync.Mutex
	alerts map[string]int // upstream money alerts raised, by kind
}

func (k *kios) alert(kind string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.alerts[kind]++
}

// snWait is how long a success without the SN the product needs is asked after here (10 minutes
// by default): long enough for a status check or two.
const snWait = 400 * time.Millisecond

// upstreamTimeout is how long the workers wait for one upstream call in a case: short where the
// case tests a hang (so the test waits for the timeout, not for the fake), and long enough
// elsewhere that a loaded -race runner cannot beat it. A timeout is an unknown outcome, asked
// again and never bought elsewhere: had it fired before a refused connection was reported, the
// order would stay pending against a supplier that keeps refusing.
func upstreamTimeout(b hostile.Behaviour) time.Duration {
	for _, f := range append(append([]hostile.Fault(nil), b.Calls...), b.Polls...) {
		if f == hostile.Hang || f == hostile.HangFirst {
			return 300 * time.Millisecond
		}
	}
	return 5 * time.Second // Kios's default: half the 10 s lease below
}

func start(t *testing.T, be storetest.Backend, up, backup *hostile.Server, timeout time.Duration) *kios {
	t.Helper()
	ctx := context.Background()
	k := &kios{db: be.Open(t), alerts: map[string]int{}}
	conns := map[string]supplier.Supplier{"up": up.Connector("up", 5*time.Second), "backup": backup.Connector("backup", 5*time.Second)}
	rt := route.New(k.db, route.Options{Logger: quiet(), Connect: func(s store.Supplier) (supplier.Supplier, error) {
		return conns[s.Name], nil
	}})
	var err error
	if k.svc, err = core.New(ctx, k.db, core.Config{Logger: quiet(), Router: rt, Alert: k.alert, SNWait: snWait}); err != nil {
		t.Fatal(err)
	}
	v := catalog.Variant{ProductCode: "game", Code: "V1", Name: "V1", Active: true, UnlimitedStock: true, Multi: true,
		Prices: map[string]int64{"default": price}}
	if err := k.svc.SaveCatalog(ctx, []catalog.Product{{Code: "game", Name: "Game", Active: true}}, []catalog.Variant{v}); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"up", "backup"} {
		if _, err := k.svc.AddSupplier(ctx, core.NewSupplier{Name: name, Kind: store.KindSimulator}); err != nil {
			t.Fatal(err)
		}
		if _, err := k.svc.SyncCatalog(ctx, name, []supplier.Item{{Code: "SKU1", Name: "V1 upstream", Cost: hostile.Cost, Active: true}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := k.svc.MapSupplierProduct(ctx, name, "SKU1", "V1", i+1); err != nil {
			t.Fatal(err)
		}
	}
	if err := k.svc.SaveCatalog(ctx, nil, []catalog.Variant{v}); err != nil { // undo the repricing
		t.Fatal(err)
	}
	if k.cr, err = k.svc.CreateReseller(ctx, core.NewReseller{Name: "Shop"}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.svc.Credit(ctx, k.cr.Reseller.Username, funds, "test"); err != nil {
		t.Fatal(err)
	}
	in := httptest.NewServer(inbound.Handler(k.svc, rt, quiet()))
	t.Cleanup(in.Close)
	up.SetCallback(in.URL + "/callback/up")
	backup.SetCallback(in.URL + "/callback/backup")
	wctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = k.svc.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond, UpstreamTimeout: timeout, Lease: 10 * time.Second})
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return k
}

// order places one order for V1 and waits until it is final.
func (k *kios) order(t *testing.T) *order.Order {
	t.Helper()
	ctx := context.Background()
	p, err := k.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: k.cr.Reseller, VariantCode: "V1", Reference: "r1", Destination: "081234567890"})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		o, err := k.svc.Order(ctx, k.cr.Reseller.ID, p.Order.Invoice)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status.Final() {
			return o
		}
	}
	t.Fatalf("order %s not final in time", p.Order.Invoice)
	return nil
}

// TestThroughCore runs the money-relevant behaviours end to end on every backend: the order ends
// as expected, with the purchases counted at each fake (never two for one order where the outcome
// was ambiguous), one capture or one release, and a clean ledger.
func TestThroughCore(t *testing.T) {
	t.Parallel()
	for _, be := range storetest.Backends() {
		for _, d := range hostile.Dialects {
			for _, c := range hostile.Cases(d) {
				if c.E2E == nil {
					continue
				}
				t.Run(fmt.Sprintf("%s/%s/%s", be.Name, d, c.Name), func(t *testing.T) {
					t.Parallel()
					up, backup := hostile.New(t, d, c.B), hostile.New(t, d, hostile.Behaviour{})
					k := start(t, be, up, backup, upstreamTimeout(c.B))
					o := k.order(t)
					w := c.E2E
					if w.Status != "" && o.Status != w.Status {
						t.Fatalf("order %s (%s), want %s", o.Status, o.Message, w.Status)
					}
					if n := up.Purchases(); n != w.Up {
						t.Fatalf("%d purchases at the hostile upstream, want %d", n, w.Up)
					}
					if n := backup.Purchases(); w.Backup >= 0 && n != w.Backup {
						t.Fatalf("%d purchases at the second supplier, want %d", n, w.Backup)
					}
					k.expectMoney(t, o)
					k.expectFlag(t, o, w.Flag)
				})
			}
		}
	}
}

// expectMoney checks the reseller paid for a success once and got a failure back once, and the
// ledger check (one capture or one release per order) is clean.
func (k *kios) expectMoney(t *testing.T, o *order.Order) {
	t.Helper()
	ctx := context.Background()
	avail, err := k.db.Balance(ctx, ledger.AvailableCode(k.cr.Reseller.ID))
	if err != nil {
		t.Fatal(err)
	}
	revenue, err := k.db.Balance(ctx, ledger.RevenueCode)
	if err != nil {
		t.Fatal(err)
	}
	want, wantRevenue := int64(funds), int64(0)
	if o.Status == order.Success {
		want, wantRevenue = funds-price, price
	}
	if avail != want || revenue != wantRevenue {
		t.Fatalf("order %s: available %d revenue %d, want %d and %d", o.Status, avail, revenue, want, wantRevenue)
	}
	rep, err := k.svc.LedgerCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger check: %v", rep.Discrepancies)
	}
}

// expectFlag checks the order carries exactly the flag want ("" for none), and that a flag was
// alerted under its own kind (the alert follows the settlement's commit).
func (k *kios) expectFlag(t *testing.T, o *order.Order, want string) {
	t.Helper()
	flags, err := k.db.OrderFlags(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want != "" {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			k.mu.Lock()
			n := k.alerts[want]
			k.mu.Unlock()
			if n > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("order flagged %s without a %s alert", want, want)
			}
		}
	}
	var got []string
	for _, f := range flags {
		got = append(got, f.Flag)
	}
	if (want == "" && len(got) != 0) || (want != "" && (len(got) != 1 || got[0] != want)) {
		t.Fatalf("order flags %v, want %q", got, want)
	}
}

// TestDocumented: every behaviour is listed in docs/RELIABILITY.md.
func TestDocumented(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../../docs/RELIABILITY.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range hostile.Dialects {
		for _, c := range hostile.Cases(d) {
			if !strings.Contains(string(doc), "`"+c.Name+"`") {
				t.Errorf("%s behaviour %s is not in docs/RELIABILITY.md", d, c.Name)
			}
		}
	}
}

// stateOf is the connector state a verdict stands for.
func stateOf(v verdict.Verdict) hostile.Want {
	switch v {
	case verdict.Success:
		return hostile.Want{State: supplier.Success, Cost: hostile.Cost}
	case verdict.Pending:
		return hostile.Want{State: supplier.Pending}
	case verdict.Failed:
		return hostile.Want{State: supplier.Failed}
	case verdict.Unusable:
		return hostile.Want{State: supplier.Failed, Unreachable: true}
	}
	return hostile.Want{State: supplier.Unknown}
}

// TestEveryRow answers every refusal row of each dialect's table from a fake, to a purchase and
// to a status check (after a purchase whose answer was lost), and checks the connector follows
// the row. Success and pending rows are the fakes' honest answers, which TestConnectors covers.
func TestEveryRow(t *testing.T) {
	t.Parallel()
	type row struct {
		d    hostile.Dialect
		name string
		b    hostile.Behaviour
		rule verdict.Rule
	}
	var rows []row
	for _, d := range []hostile.Dialect{hostile.Digiflazz, hostile.Digiswitch} {
		for rc, r := range verdict.Flazz {
			if r.Purchase != verdict.Success && r.Purchase != verdict.Pending {
				rows = append(rows, row{d, "rc" + rc, hostile.Behaviour{RC: rc}, r})
			}
		}
		rows = append(rows, row{d, "rc77", hostile.Behaviour{RC: "77"}, verdict.FlazzUnlisted})
	}
	for code, r := range verdict.Basstore {
		if code != 200 {
			rows = append(rows, row{hostile.Basstore, fmt.Sprint("http", code), hostile.Behaviour{HTTP: code}, r})
		}
	}
	rows = append(rows, row{hostile.Basstore, "http418", hostile.Behaviour{HTTP: 418}, verdict.BasstoreUnlisted})
	for _, r := range rows {
		t.Run(string(r.d)+"/"+r.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			req := supplier.Request{Reference: "INV-1", SKU: "SKU1", Destination: "081234567890"}
			b := r.b
			b.Calls = []hostile.Fault{hostile.Refuse}
			res, err := hostile.New(t, r.d, b).Connector("up", 300*time.Millisecond).Purchase(ctx, req)
			check(t, "purchase", hostile.Case{}, stateOf(r.rule.Purchase), res, err)
			b.Calls = []hostile.Fault{hostile.Hang, hostile.Refuse}
			conn := hostile.New(t, r.d, b).Connector("up", 300*time.Millisecond)
			if _, err := conn.Purchase(ctx, req); !errors.Is(err, supplier.ErrUnknownOutcome) {
				t.Fatalf("purchase without an answer: %v", err)
			}
			res, err = conn.Status(ctx, req)
			check(t, "status", hostile.Case{}, stateOf(r.rule.Status), res, err)
		})
	}
}
