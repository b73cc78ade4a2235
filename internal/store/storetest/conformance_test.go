package storetest_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// The conformance suite: every store method behaves the same on every backend.

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func write(t *testing.T, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	writeKey(t, db, 0, fn)
}

// writeKey is write under a lock key (a reseller's id, for a change to its money).
func writeKey(t *testing.T, db *store.DB, key int64, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := db.BatchKey(context.Background(), key, fn); err != nil {
		t.Fatal(err)
	}
}

// raw runs SQL outside the store's methods, as an operator's hand edit would.
func raw(db *store.DB, query string, args ...any) error {
	if p := db.Dialect().Placeholders; p != nil {
		query = p(query)
	}
	_, err := db.Writer().ExecContext(context.Background(), query, args...)
	return err
}

var nextToken atomic.Int64

func newReseller(t *testing.T, db *store.DB, username string) *reseller.Reseller {
	t.Helper()
	r := &reseller.Reseller{Username: username, Name: "Shop " + username, Membership: "default", Status: reseller.Active,
		TokenHash: fmt.Sprintf("hash-%d", nextToken.Add(1)), APIKey: "key"}
	write(t, db, func(tx *store.Tx) error { return tx.ResellerInsert(context.Background(), r) })
	return r
}

func accountID(t *testing.T, db *store.DB, code string) int64 {
	t.Helper()
	id, err := db.AccountID(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func balance(t *testing.T, db *store.DB, code string) int64 {
	t.Helper()
	b, err := db.Balance(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ledgerOK(t *testing.T, db *store.DB) {
	t.Helper()
	rep, err := db.LedgerCheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger check: %v", rep.Discrepancies)
	}
}

// funded creates a reseller and credits amount to its available account from deposits.
// It returns the reseller, its available account and the revenue account.
func funded(t *testing.T, db *store.DB, username string, amount int64) (r *reseller.Reseller, avail, revenue int64) {
	t.Helper()
	ctx := context.Background()
	r = newReseller(t, db, username)
	avail = accountID(t, db, ledger.AvailableCode(r.ID))
	writeKey(t, db, r.ID, func(tx *store.Tx) error {
		dep, err := tx.SystemAccountEnsure(ctx, ledger.DepositsCode, ledger.Deposits)
		if err != nil {
			return err
		}
		if revenue, err = tx.SystemAccountEnsure(ctx, ledger.RevenueCode, ledger.Revenue); err != nil {
			return err
		}
		if amount == 0 {
			return nil
		}
		return tx.Transfer(ctx, "deposit:"+username, dep, avail, amount, "deposit")
	})
	return r, avail, revenue
}

func TestResellers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		alice := newReseller(t, db, "alice")
		if alice.ID == 0 || alice.CreatedAt.IsZero() {
			t.Fatalf("inserted reseller %+v", alice)
		}
		accountID(t, db, ledger.AvailableCode(alice.ID))
		accountID(t, db, ledger.HeldCode(alice.ID))

		dup := &reseller.Reseller{Username: "alice", Name: "x", Membership: "default", Status: reseller.Active, TokenHash: "other", APIKey: "k"}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.ResellerInsert(ctx, dup) }); !errors.Is(err, reseller.ErrUsernameTaken) {
			t.Fatalf("duplicate username: %v", err)
		}
		newReseller(t, db, "Bob")

		p := netip.MustParsePrefix("10.0.0.0/8")
		write(t, db, func(tx *store.Tx) error {
			if err := tx.ResellerAllowIP(ctx, alice.ID, p); err != nil {
				return err
			}
			return tx.ResellerAllowIP(ctx, alice.ID, p) // idempotent
		})
		got, err := db.ResellerByTokenHash(ctx, alice.TokenHash)
		if err != nil || got.ID != alice.ID || len(got.AllowIPs) != 1 || got.AllowIPs[0] != p {
			t.Fatalf("by token: %+v %v", got, err)
		}
		write(t, db, func(tx *store.Tx) error { return tx.ResellerDenyIP(ctx, alice.ID, p) })
		if got, _ := db.ResellerByID(ctx, alice.ID); len(got.AllowIPs) != 0 {
			t.Fatalf("after deny: %v", got.AllowIPs)
		}
		if _, err := db.ResellerByUsername(ctx, "nobody"); !errors.Is(err, reseller.ErrNotFound) {
			t.Fatalf("unknown username: %v", err)
		}
		write(t, db, func(tx *store.Tx) error { return tx.ResellerSetStatus(ctx, alice.ID, reseller.Suspended) })
		if got, _ := db.ResellerByUsername(ctx, "alice"); got.Status != reseller.Suspended {
			t.Fatalf("status %s", got.Status)
		}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.ResellerSetMembership(ctx, 999999, "gold") }); !errors.Is(err, reseller.ErrNotFound) {
			t.Fatalf("update unknown reseller: %v", err)
		}
		if free, err := db.UsernameFree(ctx, "ALICE"); err != nil || free {
			t.Fatalf("ALICE free = %v, %v", free, err)
		}
		if free, err := db.UsernameFree(ctx, "carol"); err != nil || !free {
			t.Fatalf("carol free = %v, %v", free, err)
		}

		// Ordering is bytewise on both backends: upper case sorts first.
		list, err := db.ResellerList(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Username != "Bob" || list[1].Username != "alice" || list[1].Balance != 0 {
			t.Fatalf("list %+v", list)
		}
	})
}

func TestTransfer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		// The primitive itself, between two resellers' accounts, which no lock key covers.
		db := b.OpenAnyDomain(t)
		ctx := context.Background()
		r, avail, _ := funded(t, db, "alice", 1000)
		// Another reseller's spendable account as destination: a held account would have to
		// match pending orders, and revenue is credited at the batch's end on some backends.
		bob := newReseller(t, db, "bob")
		held := accountID(t, db, ledger.AvailableCode(bob.ID))
		if got := balance(t, db, ledger.DepositsCode); got != -1000 {
			t.Fatalf("deposits %d", got)
		}
		err := db.Batch(ctx, func(tx *store.Tx) error { return tx.Transfer(ctx, "order:A:hold", avail, held, 1001, "too much") })
		if !errors.Is(err, store.ErrInsufficientFunds) {
			t.Fatalf("overdraw: %v", err)
		}
		for _, bad := range []func(tx *store.Tx) error{
			func(tx *store.Tx) error { return tx.Transfer(ctx, "x", avail, held, 0, "") },
			func(tx *store.Tx) error { return tx.Transfer(ctx, "x", avail, avail, 1, "") },
		} {
			if err := db.Batch(ctx, bad); err == nil {
				t.Fatal("invalid transfer accepted")
			}
		}
		write(t, db, func(tx *store.Tx) error {
			if err := tx.Transfer(ctx, "order:A:hold", avail, held, 400, "hold A"); err != nil {
				return err
			}
			if err := tx.Transfer(ctx, "order:A:release", held, avail, 400, "release A"); err != nil {
				return err
			}
			return tx.Transfer(ctx, "order:AB:hold", avail, held, 1000, "hold AB")
		})
		if a, h := balance(t, db, ledger.AvailableCode(r.ID)), balance(t, db, ledger.AvailableCode(bob.ID)); a != 0 || h != 1000 {
			t.Fatalf("available %d held %d", a, h)
		}
		// The CHECK constraint holds even against a hand edit.
		if err := raw(db, `UPDATE accounts SET balance = -1 WHERE id = ?`, avail); err == nil {
			t.Fatal("negative balance accepted by the schema")
		}
		ps, err := db.PostingsByTxnPrefix(ctx, "order:A:")
		if err != nil || len(ps) != 2 || ps[0].Txn != "order:A:hold" || ps[1].Txn != "order:A:release" {
			t.Fatalf("postings by prefix: %+v %v", ps, err)
		}
		ps, err = db.Postings(ctx, ledger.AvailableCode(r.ID), 0)
		if err != nil || len(ps) != 4 || ps[0].Txn != "order:AB:hold" || ps[0].SourceCode != ledger.AvailableCode(r.ID) || ps[0].CreatedAt == 0 {
			t.Fatalf("postings: %+v %v", ps, err)
		}
		if ps, _ := db.Postings(ctx, ledger.AvailableCode(r.ID), 2); len(ps) != 2 {
			t.Fatalf("limited postings: %d", len(ps))
		}
		accts, err := db.Accounts(ctx)
		if err != nil || len(accts) != 6 {
			t.Fatalf("accounts %+v %v", accts, err)
		}
		for _, a := range accts {
			if a.AllowNegative != (a.Kind == ledger.Deposits) || (a.Kind == ledger.Held) != strings.HasSuffix(a.Code, ":held") {
				t.Fatalf("account %+v", a)
			}
		}
		if got := balance(t, db, "no-such-account"); got != 0 {
			t.Fatalf("missing account balance %d", got)
		}
		ledgerOK(t, db)
	})
}

// TransferFrom returns the source's balance as the debit left it, to the callers of one batch in
// the order they ran, and refuses what Transfer refuses.
func TestTransferFrom(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		// The primitive itself, between two resellers' accounts, which no lock key covers.
		db := b.OpenAnyDomain(t)
		ctx := context.Background()
		alice, avail, _ := funded(t, db, "alice", 1000)
		bob := newReseller(t, db, "bob")
		other := accountID(t, db, ledger.AvailableCode(bob.ID))
		var got []int64
		write(t, db, func(tx *store.Tx) error {
			got = got[:0]
			for i, amount := range []int64{100, 250} {
				bal, err := tx.TransferFrom(ctx, fmt.Sprintf("order:T%d:hold", i), avail, other, amount, "")
				if err != nil {
					return err
				}
				got = append(got, bal)
			}
			return nil
		})
		if len(got) != 2 || got[0] != 900 || got[1] != 650 {
			t.Fatalf("balances after each debit %v, want [900 650]", got)
		}
		if bal := balance(t, db, ledger.AvailableCode(alice.ID)); bal != 650 {
			t.Fatalf("stored balance %d", bal)
		}
		if err := db.Batch(ctx, func(tx *store.Tx) error {
			_, err := tx.TransferFrom(ctx, "order:T3:hold", avail, other, 651, "")
			return err
		}); !errors.Is(err, store.ErrInsufficientFunds) {
			t.Fatalf("overdraw: %v", err)
		}
		// A shared system account debited at the batch's end (PostgreSQL's deposits account) has
		// no balance to give yet, and says so rather than answer a wrong one.
		deposits := accountID(t, db, ledger.DepositsCode)
		var bal int64
		err := db.Batch(ctx, func(tx *store.Tx) error {
			var err error
			bal, err = tx.TransferFrom(ctx, "deposit:T4", deposits, avail, 10, "")
			return err
		})
		switch {
		case db.Dialect().LateSystemBalances && err == nil:
			t.Fatalf("a deferred debit answered balance %d", bal)
		case !db.Dialect().LateSystemBalances && (err != nil || bal != -1010):
			t.Fatalf("deposits debit: balance %d, %v; want -1010", bal, err)
		}
	})
}

func TestTransferConcurrentNeverNegative(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		const fund, n = 50, 200
		r, avail, revenue := funded(t, db, "alice", fund*100)
		var ok, poor atomic.Int64
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				err := db.BatchKey(ctx, r.ID, func(tx *store.Tx) error {
					return tx.Transfer(ctx, fmt.Sprintf("order:%d:capture", i), avail, revenue, 100, "")
				})
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, store.ErrInsufficientFunds):
					poor.Add(1)
				default:
					t.Error(err)
				}
			}(i)
		}
		wg.Wait()
		if ok.Load() != fund || poor.Load() != n-fund {
			t.Fatalf("%d transfers passed, %d refused", ok.Load(), poor.Load())
		}
		if a, rev := balance(t, db, ledger.AvailableCode(r.ID)), balance(t, db, ledger.RevenueCode); a != 0 || rev != fund*100 {
			t.Fatalf("available %d, revenue %d", a, rev)
		}
		ledgerOK(t, db)
	})
}

func TestLedgerCheckFindsCorruption(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		r, _, _ := funded(t, db, "alice", 1000)
		ledgerOK(t, db)
		if err := raw(db, `UPDATE accounts SET balance = balance + 7 WHERE code = ?`, ledger.HeldCode(r.ID)); err != nil {
			t.Fatal(err)
		}
		rep, err := db.LedgerCheck(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var problems []string
		for _, d := range rep.Discrepancies {
			problems = append(problems, d.String())
		}
		all := strings.Join(problems, "\n")
		for _, want := range []string{
			ledger.HeldCode(r.ID) + ": balance 7 but postings sum to 0",
			"*: balances of all accounts sum to 7, not 0",
			ledger.HeldCode(r.ID) + ": holds 7 but pending orders total 0",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("report lacks %q:\n%s", want, all)
			}
		}
		if rep.OK() || rep.Accounts != 4 || rep.Postings != 1 {
			t.Fatalf("report %+v", rep)
		}
	})
}

func saveVariant(t *testing.T, db *store.DB, code string, stock int64, prices map[string]int64) *catalog.Variant {
	t.Helper()
	ctx := context.Background()
	p := &catalog.Product{Code: "game", Name: "Game", Category: "Games", Active: true}
	v := &catalog.Variant{Code: code, Name: code, Active: true, UnlimitedStock: stock < 0, Multi: true, Prices: prices}
	if stock > 0 {
		v.Stock = stock
	}
	write(t, db, func(tx *store.Tx) error {
		if err := tx.ProductUpsert(ctx, p); err != nil {
			return err
		}
		v.ProductID = p.ID
		return tx.VariantUpsert(ctx, v)
	})
	return v
}

func TestCatalog(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100, "gold": 90})
		again := saveVariant(t, db, "V1", -1, map[string]int64{"default": 110})
		if again.ID != v.ID {
			t.Fatalf("upsert changed id %d -> %d", v.ID, again.ID)
		}
		got, err := db.VariantByCode(ctx, "V1")
		if err != nil || len(got.Prices) != 1 || got.Prices["default"] != 110 || !got.ProductActive || got.ProductCode != "game" || got.Kind != catalog.Prepaid {
			t.Fatalf("variant %+v %v", got, err)
		}
		write(t, db, func(tx *store.Tx) error {
			p := &catalog.Product{Code: "bills", Name: "Bills", Active: true}
			if err := tx.ProductUpsert(ctx, p); err != nil {
				return err
			}
			return tx.VariantUpsert(ctx, &catalog.Variant{ProductID: p.ID, Code: "PLN", Name: "PLN", Kind: catalog.Postpaid, Active: true, UnlimitedStock: true})
		})
		ps, err := db.Products(ctx)
		if err != nil || len(ps) != 2 || ps[0].Code != "bills" || ps[1].Code != "game" {
			t.Fatalf("products %+v %v", ps, err)
		}
		for _, c := range []struct {
			f    store.VariantFilter
			want string
		}{
			{store.VariantFilter{}, "PLN,V1"},
			{store.VariantFilter{ProductCode: "game"}, "V1"},
			{store.VariantFilter{Kind: catalog.Postpaid}, "PLN"},
			{store.VariantFilter{Code: "V1"}, "V1"},
			{store.VariantFilter{Code: "nope"}, ""},
		} {
			vs, err := db.Variants(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, v := range vs {
				codes = append(codes, v.Code)
				if v.Code == "V1" && v.Prices["default"] != 110 {
					t.Fatalf("listed prices %v", v.Prices)
				}
			}
			if got := strings.Join(codes, ","); got != c.want {
				t.Errorf("variants %+v = %s, want %s", c.f, got, c.want)
			}
		}
		if _, err := db.VariantByCode(ctx, "nope"); !errors.Is(err, store.ErrVariantNotFound) {
			t.Fatalf("unknown variant: %v", err)
		}
		if _, err := db.ProductByCode(ctx, "nope"); !errors.Is(err, store.ErrProductNotFound) {
			t.Fatalf("unknown product: %v", err)
		}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.VariantSetActive(ctx, "nope", false) }); !errors.Is(err, store.ErrVariantNotFound) {
			t.Fatalf("deactivate unknown variant: %v", err)
		}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.ProductSetActive(ctx, "nope", false) }); !errors.Is(err, store.ErrProductNotFound) {
			t.Fatalf("deactivate unknown product: %v", err)
		}
		write(t, db, func(tx *store.Tx) error { return tx.ProductSetActive(ctx, "game", false) })
		if got, _ := db.VariantByCode(ctx, "V1"); got.ProductActive {
			t.Fatal("product still active")
		}

		ltd := saveVariant(t, db, "LTD", 1, map[string]int64{"default": 5})
		take := func() bool {
			var ok bool
			write(t, db, func(tx *store.Tx) error {
				var err error
				ok, err = tx.VariantStockTake(ctx, ltd.ID)
				return err
			})
			return ok
		}
		if !take() || take() {
			t.Fatal("stock of 1 taken other than once")
		}
		write(t, db, func(tx *store.Tx) error { return tx.VariantStockReturn(ctx, ltd.ID) })
		if !take() {
			t.Fatal("returned stock not taken")
		}
	})
}

func newOrder(r *reseller.Reseller, v *catalog.Variant, ref string, price int64) *order.Order {
	return &order.Order{Invoice: order.NewInvoice(time.Now()), ResellerID: r.ID, Reference: ref, VariantID: v.ID, VariantCode: v.Code,
		ProductName: "Game " + v.Name, Destination: "12345", Price: price, Status: order.Pending, Day: "2026-11-24", Multi: true}
}

func TestOrderInvoiceClash(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		alice := newReseller(t, db, "alice")
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100})
		first := newOrder(alice, v, "r1", 100)
		write(t, db, func(tx *store.Tx) error { return tx.OrderInsert(ctx, first) })
		// An invoice drawn twice (2^-40 odds in a tenth of a second) is drawn again, not refused.
		clash := newOrder(alice, v, "r2", 100)
		clash.Invoice = first.Invoice
		write(t, db, func(tx *store.Tx) error { return tx.OrderInsert(ctx, clash) })
		if clash.ID == 0 || clash.Invoice == first.Invoice || !strings.HasPrefix(clash.Invoice, "KIOS-") {
			t.Fatalf("invoice clash: id %d invoice %s", clash.ID, clash.Invoice)
		}
		if got, err := db.OrderByReference(ctx, alice.ID, "r2"); err != nil || got.Invoice != clash.Invoice {
			t.Fatalf("clash stored: %+v %v", got, err)
		}
		// A clash of both keys is still a duplicate reference, not a new order.
		again := newOrder(alice, v, "r1", 100)
		again.Invoice = first.Invoice
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.OrderInsert(ctx, again) }); !errors.Is(err, store.ErrDuplicateReference) {
			t.Fatalf("duplicate reference and invoice: %v", err)
		}
	})
}

func TestOrders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		alice, bob := newReseller(t, db, "alice"), newReseller(t, db, "bob")
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100})
		o := newOrder(alice, v, "r1", 100)
		write(t, db, func(tx *store.Tx) error { return tx.OrderInsert(ctx, o) })
		if o.ID == 0 {
			t.Fatal("no id")
		}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.OrderInsert(ctx, newOrder(alice, v, "r1", 100)) }); !errors.Is(err, store.ErrDuplicateReference) {
			t.Fatalf("duplicate reference: %v", err)
		}
		write(t, db, func(tx *store.Tx) error { return tx.OrderInsert(ctx, newOrder(bob, v, "r1", 100)) })

		got, err := db.OrderByReference(ctx, alice.ID, "r1")
		if err != nil || got.Invoice != o.Invoice || got.Status != order.Pending || !got.Multi || got.Testing || got.CreatedAt.IsZero() {
			t.Fatalf("by reference: %+v %v", got, err)
		}
		if _, err := db.OrderByInvoice(ctx, bob.ID, o.Invoice); !errors.Is(err, order.ErrNotFound) {
			t.Fatalf("another reseller's invoice: %v", err)
		}
		if got, err := db.OrderByInvoice(ctx, 0, o.Invoice); err != nil || got.ID != o.ID {
			t.Fatalf("by invoice: %v", err)
		}

		finish := func(s order.Status) bool {
			var ok bool
			write(t, db, func(tx *store.Tx) error {
				var err error
				ok, err = tx.OrderFinish(ctx, o.ID, s, "SN1", "done", 90)
				return err
			})
			return ok
		}
		if err := db.Batch(ctx, func(tx *store.Tx) error { _, err := tx.OrderFinish(ctx, o.ID, order.Pending, "", "", 0); return err }); err == nil {
			t.Fatal("finished as Pending")
		}
		if !finish(order.Success) || finish(order.Success) || finish(order.Failed) {
			t.Fatal("order finished other than once")
		}
		got, _ = db.OrderByID(ctx, o.ID)
		if got.Status != order.Success || got.SN != "SN1" || got.Cost != 90 {
			t.Fatalf("finished order %+v", got)
		}

		list, err := db.OrderList(ctx, store.OrderFilter{Status: order.Pending})
		if err != nil || len(list) != 1 || list[0].ResellerID != bob.ID {
			t.Fatalf("pending list %+v %v", list, err)
		}
		if list, _ := db.OrderList(ctx, store.OrderFilter{ResellerID: alice.ID, Search: "SN1"}); len(list) != 1 || list[0].ID != o.ID {
			t.Fatalf("search by SN: %+v", list)
		}
		if list, _ := db.OrderList(ctx, store.OrderFilter{Limit: 1}); len(list) != 1 || list[0].ResellerID != bob.ID {
			t.Fatalf("newest first, limited: %+v", list)
		}
		counts, err := db.OrderCounts(ctx)
		if err != nil || counts[order.Success] != 1 || counts[order.Pending] != 1 {
			t.Fatalf("counts %v %v", counts, err)
		}
	})
}

// Many callers inserting one reference at once, in one batch or in several, make one order.
func TestOrderReferenceRace(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		r := newReseller(t, db, "alice")
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100})
		var created, dup atomic.Int64
		var wg sync.WaitGroup
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := db.Batch(ctx, func(tx *store.Tx) error { return tx.OrderInsert(ctx, newOrder(r, v, "same", 100)) })
				switch {
				case err == nil:
					created.Add(1)
				case errors.Is(err, store.ErrDuplicateReference):
					dup.Add(1)
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if created.Load() != 1 || dup.Load() != 39 {
			t.Fatalf("created %d, duplicates %d", created.Load(), dup.Load())
		}
	})
}

func TestMultiGuards(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		take := func(orderID int64, day string) bool {
			var ok bool
			write(t, db, func(tx *store.Tx) error {
				var err error
				ok, err = tx.MultiGuardTake(ctx, 7, "0812", day, orderID)
				return err
			})
			return ok
		}
		if !take(1, "2026-11-24") || take(2, "2026-11-24") {
			t.Fatal("slot taken other than once")
		}
		if !take(3, "2026-11-25") {
			t.Fatal("next day's slot refused")
		}
		write(t, db, func(tx *store.Tx) error { return tx.MultiGuardRelease(ctx, 1) })
		if !take(2, "2026-11-24") {
			t.Fatal("released slot refused")
		}
	})
}

func TestJobs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		clk := newClock()
		db := b.OpenOptions(t, backend.Options{Options: store.Options{Now: clk.Now}})
		ctx := context.Background()
		fulfil := []string{store.JobFulfil}
		claim := func(node string, kinds []string) []store.Job {
			t.Helper()
			var jobs []store.Job
			write(t, db, func(tx *store.Tx) error {
				var err error
				jobs, err = tx.JobClaim(ctx, node, kinds, 10, 30*time.Second)
				return err
			})
			return jobs
		}
		// extend renews the lease of claim j as node: a claim is its job, node and claim count.
		extend := func(j store.Job, node string) bool {
			var ok bool
			j.LockedBy = node
			write(t, db, func(tx *store.Tx) error {
				var err error
				ok, err = tx.JobExtend(ctx, j, 30*time.Second)
				return err
			})
			return ok
		}
		if at, err := db.NextJobAt(ctx, fulfil); err != nil || !at.IsZero() {
			t.Fatalf("next job of an empty queue: %v %v", at, err)
		}
		now := clk.Now()
		write(t, db, func(tx *store.Tx) error {
			if err := tx.JobInsert(ctx, store.JobFulfil, 1, now); err != nil {
				return err
			}
			if err := tx.JobInsert(ctx, store.JobFulfil, 2, now.Add(time.Minute)); err != nil {
				return err
			}
			return tx.JobInsert(ctx, store.JobCallback, 1, now)
		})
		if at, err := db.NextJobAt(ctx, fulfil); err != nil || !at.Equal(now) {
			t.Fatalf("next job at %v, want %v (%v)", at, now, err)
		}

		jobs := claim("A", fulfil)
		if len(jobs) != 1 || jobs[0].OrderID != 1 || jobs[0].Attempts != 1 || jobs[0].LockedBy != "A" || jobs[0].Kind != store.JobFulfil {
			t.Fatalf("claim: %+v", jobs)
		}
		id, claimA := jobs[0].ID, jobs[0]
		if got := claim("B", fulfil); len(got) != 0 {
			t.Fatalf("leased job claimed again: %+v", got)
		}
		if !extend(claimA, "A") || extend(claimA, "B") {
			t.Fatal("lease extended by the wrong node")
		}

		// Node A dies: once its lease runs out the job is B's, and A can no longer extend it.
		clk.Advance(31 * time.Second)
		jobs = claim("B", fulfil)
		if len(jobs) != 1 || jobs[0].ID != id || jobs[0].Attempts != 2 || jobs[0].LockedBy != "B" {
			t.Fatalf("takeover: %+v", jobs)
		}
		claimB := jobs[0]
		if extend(claimA, "A") {
			t.Fatal("dead node extended a lease it lost")
		}

		write(t, db, func(tx *store.Tx) error { return tx.JobRetry(ctx, claimB, clk.Now().Add(10*time.Second), "boom") })
		if got := claim("B", fulfil); len(got) != 0 {
			t.Fatalf("retried job claimed early: %+v", got)
		}
		clk.Advance(10 * time.Second)
		jobs = claim("C", fulfil)
		if len(jobs) != 1 || jobs[0].ID != id || jobs[0].LastError != "boom" {
			t.Fatalf("retried job: %+v", jobs)
		}
		write(t, db, func(tx *store.Tx) error { return tx.JobDelete(ctx, id) })
		counts, err := db.JobCounts(ctx)
		if err != nil || counts[store.JobFulfil] != 1 || counts[store.JobCallback] != 1 {
			t.Fatalf("job counts %v %v", counts, err)
		}

		if cb := claim("A", []string{store.JobCallback}); len(cb) != 1 {
			t.Fatalf("callback claim: %+v", cb)
		}
		write(t, db, func(tx *store.Tx) error { return tx.JobReleaseAll(ctx) })
		if cb := claim("B", []string{store.JobCallback, store.JobFulfil}); len(cb) != 1 || cb[0].Kind != store.JobCallback {
			t.Fatalf("released job: %+v", cb)
		}
	})
}

// Nodes claiming from one queue at once never get the same job.
func TestJobsClaimedOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		const n = 300
		write(t, db, func(tx *store.Tx) error {
			for i := 0; i < n; i++ {
				if err := tx.JobInsert(ctx, store.JobFulfil, int64(i+1), db.Now().Add(-time.Second)); err != nil {
					return err
				}
			}
			return nil
		})
		var mu sync.Mutex
		seen := map[int64]string{}
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(node string) {
				defer wg.Done()
				for {
					var jobs []store.Job
					if err := db.Batch(ctx, func(tx *store.Tx) error {
						var err error
						jobs, err = tx.JobClaim(ctx, node, []string{store.JobFulfil}, 7, time.Hour)
						return err
					}); err != nil {
						t.Error(err)
						return
					}
					if len(jobs) == 0 {
						return
					}
					mu.Lock()
					for _, j := range jobs {
						if prev, ok := seen[j.ID]; ok {
							t.Errorf("job %d claimed by %s and %s", j.ID, prev, node)
						}
						seen[j.ID] = node
					}
					mu.Unlock()
				}
			}(fmt.Sprint("node-", w))
		}
		wg.Wait()
		if len(seen) != n {
			t.Fatalf("%d of %d jobs claimed", len(seen), n)
		}
	})
}

func TestAttempts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		r := newReseller(t, db, "alice")
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100})
		o := newOrder(r, v, "r1", 100)
		write(t, db, func(tx *store.Tx) error { return tx.OrderInsert(ctx, o) })
		a1 := &store.Attempt{OrderID: o.ID, Supplier: "sim", SKU: "V1", Reference: o.Invoice + "-1", Cost: 80}
		write(t, db, func(tx *store.Tx) error { return tx.AttemptInsert(ctx, a1) })
		if a1.ID == 0 || a1.State != "sent" {
			t.Fatalf("attempt %+v", a1)
		}
		// The reference is what went upstream: it can never be sent twice.
		if err := db.Batch(ctx, func(tx *store.Tx) error {
			return tx.AttemptInsert(ctx, &store.Attempt{OrderID: o.ID, Supplier: "sim", SKU: "V1", Reference: a1.Reference})
		}); err == nil || !db.Dialect().IsUniqueViolation(err) {
			t.Fatalf("second attempt with one reference: %v", err)
		}
		a1.State, a1.SN, a1.Polls = "pending", "", 2
		write(t, db, func(tx *store.Tx) error { return tx.AttemptUpdate(ctx, a1) })
		a2 := &store.Attempt{OrderID: o.ID, Supplier: "other", SKU: "X", Reference: o.Invoice + "-2"}
		write(t, db, func(tx *store.Tx) error { return tx.AttemptInsert(ctx, a2) })
		list, err := db.Attempts(ctx, o.ID)
		if err != nil || len(list) != 2 || list[0].State != "pending" || list[0].Polls != 2 || list[0].Cost != 80 || list[1].Supplier != "other" {
			t.Fatalf("attempts %+v %v", list, err)
		}
	})
}

// A caller's error undoes that caller's changes only, whichever batch it shares; a failed SQL
// statement (which on PostgreSQL aborts the transaction up to the savepoint) included.
func TestBatchIsolatesCallers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		errMine := errors.New("mine")
		const n = 120
		var wg sync.WaitGroup
		results := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				results[i] = db.Batch(ctx, func(tx *store.Tx) error {
					p := &catalog.Product{Code: fmt.Sprintf("p%03d", i), Name: "P", Active: true}
					if err := tx.ProductUpsert(ctx, p); err != nil {
						return err
					}
					switch i % 3 {
					case 1:
						return errMine
					case 2:
						// A foreign key violation: no such product.
						return tx.VariantUpsert(ctx, &catalog.Variant{ProductID: 1 << 40, Code: fmt.Sprintf("v%03d", i), Name: "V"})
					}
					return nil
				})
			}(i)
		}
		wg.Wait()
		for i, err := range results {
			switch i % 3 {
			case 0:
				if err != nil {
					t.Errorf("caller %d: %v", i, err)
				}
			case 1:
				if !errors.Is(err, errMine) {
					t.Errorf("caller %d: %v", i, err)
				}
			case 2:
				if err == nil {
					t.Errorf("caller %d: foreign key violation accepted", i)
				}
			}
		}
		ps, err := db.Products(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != n/3 {
			t.Fatalf("%d products stand, want %d", len(ps), n/3)
		}
		for _, p := range ps {
			var i int
			fmt.Sscanf(p.Code, "p%d", &i)
			if i%3 != 0 {
				t.Errorf("product %s of a failed caller stands", p.Code)
			}
		}
	})
}

func TestBatchAfterCloseAndCancel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ran := false
		cctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := db.Batch(cctx, func(tx *store.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
			t.Fatalf("cancelled batch: %v, ran %v", err, ran)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if err := db.Batch(context.Background(), func(tx *store.Tx) error { ran = true; return nil }); !errors.Is(err, store.ErrClosed) || ran {
			t.Fatalf("batch after close: %v, ran %v", err, ran)
		}
	})
}

// Inside a batch, a system account's balance reads as the batch has left it, on every backend
// (PostgreSQL applies system accounts' changes at the batch's end).
func TestSystemBalanceInBatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		r, avail, revenue := funded(t, db, "alice", 1000)
		var inBatch, deposits int64
		writeKey(t, db, r.ID, func(tx *store.Tx) error {
			if err := tx.Transfer(ctx, "order:X:capture", avail, revenue, 300, ""); err != nil {
				return err
			}
			var err error
			if inBatch, err = tx.Balance(ctx, ledger.RevenueCode); err != nil {
				return err
			}
			deposits, err = tx.Balance(ctx, ledger.DepositsCode)
			return err
		})
		if inBatch != 300 || deposits != -1000 {
			t.Fatalf("in batch: revenue %d, deposits %d", inBatch, deposits)
		}
		if got := balance(t, db, ledger.RevenueCode); got != 300 {
			t.Fatalf("revenue after commit %d", got)
		}
		ledgerOK(t, db)
	})
}

// TestResellerEpochWithin: the reseller epoch a process keeps sees its own changes at once and
// another process's once its age bound has passed, and is really kept in between.
func TestResellerEpochWithin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		url := b.URL(t)
		here, there := storetest.OpenURL(t, url), storetest.OpenURL(t, url)
		ctx := context.Background()
		alice := newReseller(t, here, "alice")
		epoch := func(db *store.DB, maxAge time.Duration) int64 {
			t.Helper()
			e, err := db.EpochsWithin(ctx, maxAge)
			if err != nil {
				t.Fatal(err)
			}
			return e.Resellers
		}
		e0 := epoch(here, time.Hour)

		// A change committed through this DB is seen by the next call, whatever the bound.
		write(t, here, func(tx *store.Tx) error { return tx.ResellerSetStatus(ctx, alice.ID, reseller.Suspended) })
		e1 := epoch(here, time.Hour)
		if e1 == e0 {
			t.Fatal("a change made through this DB was not seen at once")
		}

		// Another process's change: the kept value is used within the bound (this is the read
		// the bound saves), and the change is seen once the bound has passed.
		write(t, there, func(tx *store.Tx) error { return tx.ResellerSetStatus(ctx, alice.ID, reseller.Active) })
		if got := epoch(here, time.Hour); got != e1 {
			t.Fatalf("within the bound the kept epoch %d should be used, got %d", e1, got)
		}
		time.Sleep(2 * time.Millisecond)
		if got := epoch(here, time.Millisecond); got == e1 {
			t.Fatal("another process's change was not seen once the bound had passed")
		}
		if direct, err := here.Epochs(ctx); err != nil || direct.Resellers != epoch(here, time.Hour) {
			t.Fatalf("kept epoch differs from the database's %d: %v", direct, err)
		}

		// Many callers at once after a change made elsewhere share reads and all see it.
		write(t, there, func(tx *store.Tx) error { return tx.ResellerSetStatus(ctx, alice.ID, reseller.Suspended) })
		direct, err := here.Epochs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := direct.Resellers
		time.Sleep(2 * time.Millisecond)
		var wg sync.WaitGroup
		got := make([]int64, 32)
		errs := make([]error, 32)
		for i := range got {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				var e store.Epochs
				e, errs[i] = here.EpochsWithin(ctx, time.Millisecond)
				got[i] = e.Resellers
			}(i)
		}
		wg.Wait()
		for i := range got {
			if errs[i] != nil || got[i] != want {
				t.Fatalf("caller %d: %d %v, want %d", i, got[i], errs[i], want)
			}
		}
	})
}

// TestCatalogEpoch: the catalog counter moves with every change to a product, a variant's terms
// or a price, whoever makes it, and not with the stock orders take and give back.
func TestCatalogEpoch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		url := b.URL(t)
		db, other := storetest.OpenURL(t, url), storetest.OpenURL(t, url)
		ctx := context.Background()
		v := saveVariant(t, db, "V1", 5, map[string]int64{"default": 100})
		epoch := func() int64 {
			t.Helper()
			e, err := db.Epochs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return e.Catalog
		}
		changes := []struct {
			name string
			fn   func(tx *store.Tx) error
		}{
			{"price", func(tx *store.Tx) error { _, err := tx.VariantPriceSet(ctx, v.ID, "default", 120); return err }},
			{"new tier", func(tx *store.Tx) error { _, err := tx.VariantPriceSet(ctx, v.ID, "gold", 90); return err }},
			{"variant off", func(tx *store.Tx) error { return tx.VariantSetActive(ctx, "V1", false) }},
			{"product off", func(tx *store.Tx) error { return tx.ProductSetActive(ctx, "game", false) }},
			{"variant upsert", func(tx *store.Tx) error { c := *v; c.Name = "renamed"; return tx.VariantUpsert(ctx, &c) }},
		}
		for _, c := range changes {
			before := epoch()
			write(t, other, c.fn)
			if epoch() == before {
				t.Errorf("%s by another handle did not move the catalog epoch", c.name)
			}
		}
		before := epoch()
		write(t, db, func(tx *store.Tx) error {
			if ok, err := tx.VariantStockTake(ctx, v.ID); err != nil || !ok {
				return fmt.Errorf("take: %v %v", ok, err)
			}
			return tx.VariantStockReturn(ctx, v.ID)
		})
		if epoch() != before {
			t.Error("taking and returning stock moved the catalog epoch")
		}
	})
}

// With Options.AssertLockDomains on (every test database), a transfer touching a reseller's
// account runs only under that reseller's key: an unkeyed caller, or one under another
// reseller's key, is refused with ErrLockDomain and changes nothing. Shared system accounts
// belong to no domain. Off (production), the same transfers pass.
func TestLockDomainAssertion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		alice, avail, revenue := funded(t, db, "alice", 1000)
		bob := newReseller(t, db, "bob")
		deposits := accountID(t, db, ledger.DepositsCode)
		capture := func(tx *store.Tx) error { return tx.Transfer(ctx, "order:L:capture", avail, revenue, 100, "") }
		if err := db.Batch(ctx, capture); !errors.Is(err, store.ErrLockDomain) {
			t.Fatalf("unkeyed transfer out of a reseller's account: %v, want ErrLockDomain", err)
		}
		credit := func(tx *store.Tx) error { return tx.Transfer(ctx, "deposit:L", deposits, avail, 100, "") }
		if err := db.BatchKey(ctx, bob.ID, credit); !errors.Is(err, store.ErrLockDomain) {
			t.Fatalf("transfer into alice's account under bob's key: %v, want ErrLockDomain", err)
		}
		if got := balance(t, db, ledger.AvailableCode(alice.ID)); got != 1000 {
			t.Fatalf("a refused transfer moved money: balance %d", got)
		}
		var key int64
		if err := db.BatchKey(ctx, alice.ID, func(tx *store.Tx) error { key = tx.Key(); return capture(tx) }); err != nil || key != alice.ID {
			t.Fatalf("keyed transfer: %v, tx.Key() %d, want %d", err, key, alice.ID)
		}
		// Between shared system accounts only: no reseller's domain, any caller.
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.Transfer(ctx, "sys:L", deposits, revenue, 5, "") }); err != nil {
			t.Fatalf("system transfer: %v", err)
		}
		if got := balance(t, db, ledger.AvailableCode(alice.ID)); got != 900 {
			t.Fatalf("balance %d, want 900", got)
		}

		// A store a test reaches only through a URL (the CLI's) asserts when opened with the hook.
		url := b.URL(t)
		for _, tc := range []struct {
			ctx  context.Context
			want bool
		}{{ctx, false}, {store.WithLockDomainAssertions(ctx), true}} {
			db, err := backend.Open(tc.ctx, url, backend.Options{SecretKey: storetest.SecretKey})
			if err != nil {
				t.Fatal(err)
			}
			r := newReseller(t, db, fmt.Sprintf("carol%v", tc.want))
			var dep int64
			err = db.BatchKey(ctx, r.ID, func(tx *store.Tx) error {
				var err error
				dep, err = tx.SystemAccountEnsure(ctx, ledger.DepositsCode, ledger.Deposits)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			ra := accountID(t, db, ledger.AvailableCode(r.ID))
			err = db.Batch(ctx, func(tx *store.Tx) error { return tx.Transfer(ctx, "deposit:C", dep, ra, 1, "") })
			if got := errors.Is(err, store.ErrLockDomain); got != tc.want {
				t.Errorf("hook %v: unkeyed transfer %v", tc.want, err)
			}
			db.Close()
		}
	})
}
