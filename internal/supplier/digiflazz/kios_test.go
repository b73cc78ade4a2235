package digiflazz_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	dialect "github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/digiflazz"
	"github.com/kios-h2h/kios/internal/upstream/connect"
	"github.com/kios-h2h/kios/internal/upstream/pull"
	"github.com/kios-h2h/kios/internal/upstream/route"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// listingUpstream is a Kios with the demo catalog (prepaid and postpaid) serving its Digiflazz
// API, which allows one full price list per reseller per 5 minutes, both kinds counted together.
func listingUpstream(t *testing.T, clk *clock) (*httptest.Server, core.Credentials) {
	t.Helper()
	ctx := context.Background()
	svc, err := core.New(ctx, storetest.Backends()[0].Open(t), core.Config{Logger: quiet(), Router: simroute.New(0), Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	products, variants := demo.Catalog()
	if err := svc.SaveCatalog(ctx, products, variants); err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Username: "downstream", Name: "Downstream Kios"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credit(ctx, "downstream", upstreamBalance, "test"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dialect.New(svc, dialect.Options{Logger: quiet()}))
	t.Cleanup(srv.Close)
	return srv, cr
}

func downstream(t *testing.T) (*core.Service, *route.Router) {
	t.Helper()
	db := storetest.Backends()[0].Open(t)
	rt := route.New(db, route.Options{Logger: quiet(), Connect: connect.Connectors(connect.Options{Timeout: 5 * time.Second})})
	svc, err := core.New(context.Background(), db, core.Config{Logger: quiet(), Router: rt})
	if err != nil {
		t.Fatal(err)
	}
	return svc, rt
}

func kinds(items []supplier.Item) map[string]int {
	n := map[string]int{}
	for _, it := range items {
		n[it.Kind]++
	}
	return n
}

// TestCatalogTakesTurns: against an upstream that counts both full price lists together, a sync
// brings the prepaid list, the next (after the limit) the postpaid one first, and neither sync
// retires the kind it could not fetch.
func TestCatalogTakesTurns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 5, 4, 3, 0, 0, 0, time.UTC)}
	srv, cr := listingUpstream(t, clk)
	conn, err := digiflazz.New(digiflazz.Config{Name: "up", BaseURL: srv.URL + "/v1", Username: "downstream", APIKey: cr.APIKey, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, prepaid := demo.Catalog()
	_, postpaid := demo.Postpaid()
	nPre := len(prepaid) - len(postpaid)

	svc, _ := downstream(t)
	if _, err := svc.AddSupplier(ctx, core.NewSupplier{Name: "up", Kind: store.KindDigiflazz, BaseURL: srv.URL + "/v1",
		Username: "downstream", APIKey: cr.APIKey}); err != nil {
		t.Fatal(err)
	}

	first, err := conn.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k := kinds(first); k["prepaid"] != nPre || k["postpaid"] != 0 {
		t.Fatalf("first sync kinds %v, want %d prepaid only", k, nPre)
	}
	if _, err := svc.SyncCatalog(ctx, "up", first, nil); err != nil {
		t.Fatal(err)
	}

	if _, err := conn.Catalog(ctx); err == nil {
		t.Fatal("a full list within 5 minutes was let through")
	}
	clk.add(6 * time.Minute)
	second, err := conn.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k := kinds(second); k["postpaid"] != len(postpaid) || k["prepaid"] != 0 {
		t.Fatalf("second sync kinds %v, want %d postpaid only", k, len(postpaid))
	}
	rep, err := svc.SyncCatalog(ctx, "up", second, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Retired != 0 || rep.VariantsCreated != len(postpaid) {
		t.Fatalf("second sync %+v: the prepaid products must stay", rep)
	}
	for _, want := range postpaid {
		v, err := svc.Variant(ctx, want.Code)
		if err != nil {
			t.Fatal(err)
		}
		if v.Kind != catalog.Postpaid || v.Admin != want.Admin || v.Commission != want.Commission || len(v.Prices) != 0 || !v.Active {
			t.Fatalf("postpaid variant %+v", v)
		}
	}
	if v, err := svc.Variant(ctx, "MLBB_ID_5"); err != nil || v.Prices["default"] <= 0 {
		t.Fatalf("prepaid variant %+v %v", v, err)
	}
	routes, err := svc.SupplierProducts(ctx, "up")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, it := range append(first, second...) {
		listed[it.Code] = it.Active
	}
	if len(routes) != len(listed) {
		t.Fatalf("%d supplier products, %d listed", len(routes), len(listed))
	}
	for _, sp := range routes {
		if sp.Active != listed[sp.Code] {
			t.Fatalf("supplier product %+v, listed active %v", sp, listed[sp.Code])
		}
	}

	clk.add(6 * time.Minute)
	third, err := conn.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k := kinds(third); k["prepaid"] != nPre {
		t.Fatalf("third sync kinds %v: prepaid's turn", k)
	}
}

// TestPullFromKios: kios catalog sync and the balance, as pull runs them for a Digiflazz supplier.
func TestPullFromKios(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := &clock{t: time.Now()}
	srv, cr := listingUpstream(t, clk)
	svc, rt := downstream(t)
	if _, err := svc.AddSupplier(ctx, core.NewSupplier{Name: "up", Kind: store.KindDigiflazz, BaseURL: srv.URL + "/v1",
		Username: "downstream", APIKey: cr.APIKey}); err != nil {
		t.Fatal(err)
	}
	if err := pull.All(ctx, svc, rt, "up", nil); err != nil {
		t.Fatal(err)
	}
	s, err := svc.SupplierByName(ctx, "up")
	if err != nil || s.Balance != upstreamBalance || s.BalanceAt.IsZero() {
		t.Fatalf("balance %+v %v", s, err)
	}
	if v, err := svc.Variant(ctx, "MLBB_ID_5"); err != nil || v.Kind != catalog.Prepaid || v.Prices["default"] <= 0 {
		t.Fatalf("synced variant %+v %v", v, err)
	}
}

// TestReadCallback reads the very webhook Kios's Digiflazz API sends for a finished order.
func TestReadCallback(t *testing.T) {
	t.Parallel()
	u := newUpstream(t, true)
	ctx := context.Background()
	req := supplier.Request{Reference: "KIOS-7-1", SKU: "s5", Destination: "081234567890"}
	if _, err := u.conn.Purchase(ctx, req); err != nil {
		t.Fatal(err)
	}
	final := pollStatus(t, u.conn, req)
	o, err := u.svc.OrderByReference(ctx, u.cr.Reseller.ID, req.Reference)
	if err != nil {
		t.Fatal(err)
	}
	wh, err := dialect.WebhookFor(ctx, u.svc, o, u.cr.APIKey, "delivery-1")
	if err != nil {
		t.Fatal(err)
	}
	ref, res, err := u.conn.ReadCallback(wh.Header, wh.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ref != req.Reference || res.State != supplier.Success || res.SN != final.SN || res.SN == "" || res.Cost != 5005 {
		t.Fatalf("callback %s %+v, status said %+v", ref, res, final)
	}

	tampered := append([]byte(nil), wh.Body...)
	tampered[len(tampered)-2] = ' '
	if _, _, err := u.conn.ReadCallback(wh.Header, tampered); !errors.Is(err, supplier.ErrBadSignature) {
		t.Fatalf("tampered body: %v", err)
	}
	other, err := dialect.WebhookFor(ctx, u.svc, o, "another secret", "delivery-2")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := u.conn.ReadCallback(other.Header, other.Body); !errors.Is(err, supplier.ErrBadSignature) {
		t.Fatalf("signed with another secret: %v", err)
	}
	if _, _, err := u.conn.ReadCallback(nil, wh.Body); !errors.Is(err, supplier.ErrBadSignature) {
		t.Fatalf("unsigned: %v", err)
	}
}

// TestCatalogKindAlone: a one-off sync in a new process (a fresh connector, which does not know
// the last sync was refused the postpaid list) can ask for the postpaid list alone once the limit
// has passed, and syncing it retires nothing of the prepaid kind.
func TestCatalogKindAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 5, 4, 3, 0, 0, 0, time.UTC)}
	srv, cr := listingUpstream(t, clk)
	svc, rt := downstream(t)
	if _, err := svc.AddSupplier(ctx, core.NewSupplier{Name: "up", Kind: store.KindDigiflazz, BaseURL: srv.URL + "/v1",
		Username: "downstream", APIKey: cr.APIKey}); err != nil {
		t.Fatal(err)
	}
	_, all := demo.Catalog()
	_, postpaid := demo.Postpaid()
	nPre := len(all) - len(postpaid)
	first, err := pull.Catalog(ctx, svc, rt, "up", nil)
	if err != nil || first.Items != nPre {
		t.Fatalf("first sync %+v %v, want the %d prepaid items", first, err, nPre)
	}
	clk.add(6 * time.Minute)
	conn, err := digiflazz.New(digiflazz.Config{Name: "up", BaseURL: srv.URL + "/v1", Username: "downstream", APIKey: cr.APIKey, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	items, err := conn.CatalogKind(ctx, "postpaid")
	if err != nil {
		t.Fatal(err)
	}
	if k := kinds(items); k["postpaid"] != len(postpaid) || k["prepaid"] != 0 {
		t.Fatalf("postpaid alone: %v", k)
	}
	clk.add(6 * time.Minute)
	rep, err := pull.CatalogKind(ctx, svc, rt, "up", "postpaid", nil)
	if err != nil || rep.Items != len(postpaid) || rep.Retired != 0 {
		t.Fatalf("postpaid sync %+v %v", rep, err)
	}
	if v, err := svc.Variant(ctx, "MLBB_ID_5"); err != nil || !v.Active {
		t.Fatalf("a prepaid variant after a postpaid sync: %+v %v", v, err)
	}
	for _, want := range postpaid {
		if v, err := svc.Variant(ctx, want.Code); err != nil || v.Kind != catalog.Postpaid {
			t.Fatalf("postpaid %s: %+v %v", want.Code, v, err)
		}
	}
}
