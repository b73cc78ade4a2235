package core_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
)

// upstream is one supplier shared by every node: it counts what it was asked to buy, by attempt
// reference, so a second purchase of an order shows.
type upstream struct {
	mu        sync.Mutex
	purchases map[string]int
	statuses  atomic.Int64
}

func (u *upstream) bought(ref string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.purchases[ref]
}

// nodeLink is one node's connection to the upstream. stall makes purchases hang after they
// reached the supplier, as when a node dies mid-request.
type nodeLink struct {
	up      *upstream
	stall   atomic.Bool
	stalled atomic.Int64
}

func (n *nodeLink) Name() string { return "up" }

func (n *nodeLink) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	n.up.mu.Lock()
	n.up.purchases[req.Reference]++
	n.up.mu.Unlock()
	if n.stall.Load() {
		n.stalled.Add(1)
		<-ctx.Done()
		return supplier.Result{}, ctx.Err()
	}
	return supplier.Result{State: supplier.Success, SN: "SN-" + req.Reference}, nil
}

func (n *nodeLink) Status(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	n.up.statuses.Add(1)
	if n.up.bought(req.Reference) == 0 {
		return supplier.Result{State: supplier.Failed, Message: "no such transaction"}, nil
	}
	return supplier.Result{State: supplier.Success, SN: "SN-" + req.Reference}, nil
}

type linkRouter struct{ l *nodeLink }

func (r linkRouter) Candidates(context.Context, *order.Order) ([]core.Candidate, error) {
	return []core.Candidate{{Supplier: r.l, SKU: "X"}}, nil
}
func (r linkRouter) Supplier(_ context.Context, name string) (supplier.Supplier, bool) {
	return r.l, name == r.l.Name()
}
func (r linkRouter) Testing() supplier.Supplier { return r.l }

type node struct {
	svc  *core.Service
	link *nodeLink
	stop func()
}

func (n *node) work(cfg core.WorkerConfig) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = n.svc.RunWorkers(ctx, cfg); close(done) }()
	n.stop = func() { cancel(); <-done }
}

// TestNodesShareOneDatabase runs two nodes (each its own store, pool, write loops and workers) on
// one PostgreSQL database: a storm of orders through both, every fifth reference sent to both at
// once, a reseller with funds for only some of its orders; then one node dies mid-purchase and
// the other takes its orders over after the lease. Every accepted order must end final exactly
// once, be bought upstream exactly once, and the ledger must check clean.
func TestNodesShareOneDatabase(t *testing.T) {
	t.Parallel()
	be := storetest.Postgres(t)
	ctx := context.Background()
	url := be.URL(t)
	up := &upstream{purchases: map[string]int{}}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var nodes [2]*node
	for i := range nodes {
		db := storetest.OpenURL(t, url)
		link := &nodeLink{up: up}
		svc, err := core.New(ctx, db, core.Config{Logger: quiet, Router: linkRouter{link}})
		if err != nil {
			t.Fatal(err)
		}
		nodes[i] = &node{svc: svc, link: link}
	}
	a, b := nodes[0], nodes[1]
	err := a.svc.SaveCatalog(ctx, []catalog.Product{{Code: "ml", Name: "ML", Active: true}},
		[]catalog.Variant{{ProductCode: "ml", Code: "ML5", Name: "5", Active: true, UnlimitedStock: true, Multi: true,
			Prices: map[string]int64{"default": 1000}}})
	if err != nil {
		t.Fatal(err)
	}
	const rich, poorFunds = 8, 25
	var rs []*reseller.Reseller
	for i := 0; i < rich+1; i++ {
		cr, err := b.svc.CreateReseller(ctx, core.NewReseller{Name: fmt.Sprintf("Shop %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		funds := int64(1_000_000)
		if i == rich {
			funds = poorFunds * 1000 // the last reseller can pay for 25 orders only
		}
		if _, err := a.svc.Credit(ctx, cr.Reseller.Username, funds, "test"); err != nil {
			t.Fatal(err)
		}
		rs = append(rs, cr.Reseller)
	}
	poor := rs[rich]

	cfg := func(name string) core.WorkerConfig {
		return core.WorkerConfig{Node: name, Workers: 8, Lease: time.Second, Poll: 20 * time.Millisecond, ShutdownGrace: time.Millisecond}
	}
	a.work(cfg("A"))
	b.work(cfg("B"))

	// The storm: 600 references, 100 of them from the poor reseller; every fifth reference goes
	// to both nodes at the same instant.
	var accepted sync.Map // invoice -> reference
	var poorOK atomic.Int64
	place := func(n *node, r *reseller.Reseller, ref string) {
		p, err := n.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: r, VariantCode: "ML5", Reference: ref, Destination: "0812345678"})
		switch {
		case err == nil:
			if prev, loaded := accepted.LoadOrStore(p.Order.Invoice, ref); loaded && prev != ref {
				t.Errorf("invoice %s for %s and %s", p.Order.Invoice, prev, ref)
			}
		case errors.Is(err, order.ErrInsufficientBalance) && r.ID == poor.ID:
		default:
			t.Errorf("place %s: %v", ref, err)
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := 0; i < 600; i++ {
		r := rs[i%len(rs)]
		if i%6 == 5 {
			r = poor
		}
		ref := fmt.Sprintf("ref-%d", i)
		targets := []*node{nodes[i%2]}
		if i%5 == 0 {
			targets = []*node{a, b}
		}
		for _, n := range targets {
			wg.Add(1)
			sem <- struct{}{}
			go func(n *node) {
				defer func() { <-sem; wg.Done() }()
				place(n, r, ref)
			}(n)
		}
	}
	wg.Wait()

	// Node A dies mid-purchase: B's workers pause, A's purchases hang once sent, A stops with
	// them in flight (its leases left as they were), then B works on alone.
	b.stop()
	a.link.stall.Store(true)
	for i := 0; i < 20; i++ {
		place(a, rs[i%rich], fmt.Sprintf("late-%d", i))
	}
	deadline := time.Now().Add(10 * time.Second)
	for a.link.stalled.Load() < 5 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if a.link.stalled.Load() == 0 {
		t.Fatal("node A never started a purchase")
	}
	a.stop()
	b.work(cfg("B"))
	defer b.stop()

	deadline = time.Now().Add(30 * time.Second)
	for {
		counts, err := b.svc.DB().OrderCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts[order.Pending] == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("orders still pending: %v", counts)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Every reference made one order; the poor reseller's were capped by its funds.
	all, err := b.svc.DB().OrderList(ctx, store.OrderFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	accepted.Range(func(_, _ any) bool { n++; return true })
	if len(all) != n {
		t.Fatalf("%d orders stored, %d accepted", len(all), n)
	}
	for _, o := range all {
		if o.ResellerID == poor.ID {
			poorOK.Add(1)
		}
	}
	if poorOK.Load() != poorFunds {
		t.Fatalf("poor reseller got %d orders for funds of %d", poorOK.Load(), poorFunds)
	}
	if bal, _ := b.svc.Balance(ctx, poor.ID); bal != 0 {
		t.Fatalf("poor reseller balance %d", bal)
	}
	for _, o := range all {
		if o.Status != order.Success {
			t.Errorf("order %s (%s) is %s: %s", o.Invoice, o.Reference, o.Status, o.Message)
		}
		ps, err := b.svc.DB().PostingsByTxnPrefix(ctx, "order:"+o.Invoice+":")
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, p := range ps {
			kinds = append(kinds, p.Txn[strings.LastIndexByte(p.Txn, ':')+1:])
		}
		if got := strings.Join(kinds, ","); got != "hold,capture" {
			t.Errorf("order %s postings %s", o.Invoice, got)
		}
		atts, err := b.svc.DB().Attempts(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(atts) != 1 {
			t.Errorf("order %s: %d attempts", o.Invoice, len(atts))
		} else if n := up.bought(atts[0].Reference); n != 1 {
			t.Errorf("order %s bought %d times", o.Invoice, n)
		}
	}
	if up.statuses.Load() == 0 {
		t.Error("the orders node A left were not asked after: were they bought again?")
	}
	rep, err := b.svc.LedgerCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger check: %v", rep.Discrepancies)
	}
}

// An order placed on one node is claimed at once by another node's workers, woken by the
// database's notice (PostgreSQL's NOTIFY at the accepting commit), not at their next poll: the
// workers here poll once an hour.
func TestOtherNodesWorkersWakeOnAnOrder(t *testing.T) {
	t.Parallel()
	be := storetest.Postgres(t)
	ctx := context.Background()
	url := be.URL(t)
	up := &upstream{purchases: map[string]int{}}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var nodes [2]*node
	for i := range nodes {
		link := &nodeLink{up: up}
		svc, err := core.New(ctx, storetest.OpenURL(t, url), core.Config{Logger: quiet, Router: linkRouter{link}})
		if err != nil {
			t.Fatal(err)
		}
		nodes[i] = &node{svc: svc, link: link}
	}
	a, b := nodes[0], nodes[1]
	if err := a.svc.SaveCatalog(ctx, []catalog.Product{{Code: "ml", Name: "ML", Active: true}},
		[]catalog.Variant{{ProductCode: "ml", Code: "ML5", Name: "5", Active: true, UnlimitedStock: true, Multi: true,
			Prices: map[string]int64{"default": 1000}}}); err != nil {
		t.Fatal(err)
	}
	cr, err := a.svc.CreateReseller(ctx, core.NewReseller{Name: "Shop"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Credit(ctx, cr.Reseller.Username, 100_000, "test"); err != nil {
		t.Fatal(err)
	}
	// Only B works, polling once an hour; its first claim (at start) finds nothing.
	b.work(core.WorkerConfig{Node: "B", Workers: 4, Lease: 10 * time.Second, Poll: time.Hour, ShutdownGrace: time.Millisecond})
	defer b.stop()
	for i := range 3 {
		p, err := a.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: cr.Reseller, VariantCode: "ML5", Reference: fmt.Sprintf("r%d", i), Destination: "0812345678"})
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			o, err := a.svc.Order(ctx, cr.Reseller.ID, p.Order.Invoice)
			if err != nil {
				t.Fatal(err)
			}
			if o.Status == order.Success {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("order %d still %s after 20 s: node B's workers were not woken", i, o.Status)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
