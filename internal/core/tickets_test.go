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

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

type ticketBundle struct {
	db  *store.DB
	svc *core.Service
	now atomic.Int64 // unix microseconds of the core's clock
}

func ticketSetup(t *testing.T, be storetest.Backend) *ticketBundle {
	t.Helper()
	b := &ticketBundle{db: be.Open(t)}
	b.now.Store(time.Date(2025, 6, 10, 3, 0, 0, 0, time.UTC).UnixMicro())
	svc, err := core.New(context.Background(), b.db, core.Config{Router: simroute.New(0),
		Now:    func() time.Time { return time.UnixMicro(b.now.Load()).UTC() },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	b.svc = svc
	return b
}

func (b *ticketBundle) reseller(t *testing.T, name string) *reseller.Reseller {
	t.Helper()
	cr, err := b.svc.CreateReseller(context.Background(), core.NewReseller{Username: name, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return cr.Reseller
}

func (b *ticketBundle) balance(t *testing.T, r *reseller.Reseller) int64 {
	t.Helper()
	bal, err := b.svc.Balance(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	return bal
}

func (b *ticketBundle) checkLedger(t *testing.T) {
	t.Helper()
	rep, err := b.svc.LedgerCheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger: %v", rep.Discrepancies)
	}
}

func TestTicketApproveCreditsOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := ticketSetup(t, be)
		ctx := context.Background()
		r := b.reseller(t, "budi")
		tk, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 100000, Bank: "BCA", OwnerName: "Budi"})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Amount <= 100000 || tk.Amount > 100000+deposit.MaxTail || tk.Notes != tk.Code || tk.Status != deposit.Open {
			t.Fatalf("ticket %+v", tk)
		}
		if b.balance(t, r) != 0 {
			t.Fatal("opening a ticket credited")
		}
		var credits atomic.Int64
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				ref := tk.Code
				if i%2 == 1 {
					ref = fmt.Sprint(tk.ID)
				}
				got, credited, err := b.svc.ApproveTicket(ctx, ref, "test")
				if err != nil {
					t.Error(err)
					return
				}
				if got.Status != deposit.Approved {
					t.Errorf("status %s", got.Status)
				}
				if credited {
					credits.Add(1)
				}
			}(i)
		}
		wg.Wait()
		if credits.Load() != 1 || b.balance(t, r) != tk.Amount {
			t.Fatalf("credited %d times, balance %d, want once and %d", credits.Load(), b.balance(t, r), tk.Amount)
		}
		if _, err := b.svc.RejectTicket(ctx, tk.Code, "test"); !errors.Is(err, deposit.ErrSettled) {
			t.Fatalf("reject approved: %v", err)
		}
		if _, _, err := b.svc.ApproveTicket(ctx, "DEP-NOPE", "test"); !errors.Is(err, deposit.ErrNotFound) {
			t.Fatalf("approve unknown: %v", err)
		}
		b.checkLedger(t)
	})
}

func TestTicketRejectAndExpire(t *testing.T) {
	t.Parallel()
	b := ticketSetup(t, storetest.Backends()[0])
	ctx := context.Background()
	r := b.reseller(t, "budi")
	rej, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 50000})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.svc.RejectTicket(ctx, rej.Code, "test"); err != nil || got.Status != deposit.Rejected {
		t.Fatalf("reject: %v %+v", err, got)
	}
	if _, credited, err := b.svc.ApproveTicket(ctx, rej.Code, "test"); !errors.Is(err, deposit.ErrSettled) || credited {
		t.Fatalf("approve rejected: %v", err)
	}
	old, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 50000})
	if err != nil {
		t.Fatal(err)
	}
	b.now.Add((deposit.Lifetime + time.Minute).Microseconds())
	list, err := b.svc.Tickets(ctx, store.TicketFilter{Status: deposit.Expired})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Code != old.Code || list[0].Username != "budi" {
		t.Fatalf("expired %+v", list)
	}
	// Its money arrived late: an operator may still approve it, once.
	if got, credited, err := b.svc.ApproveTicket(ctx, old.Code, "test"); err != nil || !credited || got.Status != deposit.Approved {
		t.Fatalf("approve expired: %v %v %+v", err, credited, got)
	}
	if b.balance(t, r) != old.Amount {
		t.Fatalf("balance %d", b.balance(t, r))
	}
	b.checkLedger(t)
}

func TestTicketAmountsUnique(t *testing.T) {
	t.Parallel()
	b := ticketSetup(t, storetest.Backends()[0])
	ctx := context.Background()
	var rs []*reseller.Reseller
	for i := 0; i < 6; i++ {
		rs = append(rs, b.reseller(t, fmt.Sprintf("shop%d", i)))
	}
	var mu sync.Mutex
	amounts := map[int64]bool{}
	var tooMany atomic.Int64
	var wg sync.WaitGroup
	for _, r := range rs {
		for i := 0; i < deposit.MaxOpenPerReseller+1; i++ {
			wg.Add(1)
			go func(r *reseller.Reseller) {
				defer wg.Done()
				tk, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 100000})
				if errors.Is(err, deposit.ErrTooManyOpen) {
					tooMany.Add(1)
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if amounts[tk.Amount] {
					t.Errorf("amount %d given twice", tk.Amount)
				}
				amounts[tk.Amount] = true
			}(r)
		}
	}
	wg.Wait()
	if len(amounts) != len(rs)*deposit.MaxOpenPerReseller || tooMany.Load() != int64(len(rs)) {
		t.Fatalf("%d tickets, %d refused", len(amounts), tooMany.Load())
	}
}

func TestTicketNoFreeTail(t *testing.T) {
	t.Parallel()
	b := ticketSetup(t, storetest.Backends()[0])
	ctx := context.Background()
	holder := b.reseller(t, "holder")
	// Every tail of 200000 is held by an open ticket (made through the store, past the per-reseller limit).
	err := b.db.Batch(ctx, func(tx *store.Tx) error {
		for i := int64(1); i <= deposit.MaxTail; i++ {
			now := b.svc.Now()
			ok, err := tx.TicketInsert(ctx, &deposit.Ticket{Code: fmt.Sprintf("DEP-T%07d", i), ResellerID: holder.ID, Requested: 200000,
				Amount: 200000 + i, CreatedAt: now, ExpiresAt: now.Add(deposit.Lifetime)})
			if err != nil || !ok {
				return fmt.Errorf("insert %d: %v %w", i, ok, err)
			}
		}
		// The partial unique index refuses a second open ticket of one amount.
		ok, err := tx.TicketInsert(ctx, &deposit.Ticket{Code: "DEP-DOUBLE", ResellerID: holder.ID, Requested: 200000, Amount: 200001,
			CreatedAt: b.svc.Now(), ExpiresAt: b.svc.Now()})
		if err != nil || ok {
			return fmt.Errorf("double amount accepted: %v %w", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := b.reseller(t, "late")
	if _, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 200000}); !errors.Is(err, deposit.ErrNoFreeAmount) {
		t.Fatalf("want no free amount, got %v", err)
	}
	if _, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 200001}); err != nil {
		t.Fatalf("another amount: %v", err)
	}
	if _, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 999}); !errors.Is(err, deposit.ErrAmount) {
		t.Fatalf("small amount: %v", err)
	}
}

func TestMatchStatementCreditsOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := ticketSetup(t, be)
		ctx := context.Background()
		budi, siti := b.reseller(t, "budi"), b.reseller(t, "siti")
		t1, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: budi, Amount: 100000})
		if err != nil {
			t.Fatal(err)
		}
		t2, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: siti, Amount: 2500000})
		if err != nil {
			t.Fatal(err)
		}
		t3, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: siti, Amount: 300000})
		if err != nil {
			t.Fatal(err)
		}
		statement := fmt.Sprintf(`Tanggal,Keterangan,Jumlah
10/06/2025,TRSF E-BANKING CR %s BUDI,"%s CR"
2025-06-10,TRSF SITI,Rp %s
2025-06-10,TRSF SITI,Rp %s
2025-06-09,OLD TRANSFER,%d
2025-06-10,BIAYA ADM,-%d
2025-06-10,UNKNOWN,123456
bad line
`, t1.Code, formatThousands(t1.Amount, ",")+".00", formatThousands(t2.Amount, ".")+",00", formatThousands(t2.Amount, ".")+",00",
			t3.Amount, t3.Amount)
		rep, err := b.svc.MatchStatement(ctx, strings.NewReader(statement))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Approved) != 2 || len(rep.Rest) != 5 {
			t.Fatalf("approved %d, rest %d: %+v", len(rep.Approved), len(rep.Rest), rep)
		}
		reasons := []string{}
		for _, m := range rep.Rest {
			reasons = append(reasons, m.Reason)
		}
		want := "no open ticket with this amount|dated before ticket " + t3.Code + " was opened|debit|no open ticket with this amount|unreadable"
		if got := strings.Join(reasons, "|"); !strings.HasPrefix(got, want) {
			t.Fatalf("reasons\n%s\nwant\n%s", got, want)
		}
		if b.balance(t, budi) != t1.Amount || b.balance(t, siti) != t2.Amount {
			t.Fatalf("balances %d %d", b.balance(t, budi), b.balance(t, siti))
		}
		// Importing the same statement again credits nothing.
		rep, err = b.svc.MatchStatement(ctx, strings.NewReader(statement))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Approved) != 0 || rep.Rest[0].Reason != "already imported" || rep.Rest[1].Reason != "already imported" {
			t.Fatalf("second import %+v", rep)
		}
		// Nor does approving a matched ticket by hand.
		if _, credited, err := b.svc.ApproveTicket(ctx, t1.Code, "test"); err != nil || credited {
			t.Fatalf("approve matched: %v %v", credited, err)
		}
		if b.balance(t, budi) != t1.Amount || b.balance(t, siti) != t2.Amount {
			t.Fatalf("balances after second import %d %d", b.balance(t, budi), b.balance(t, siti))
		}
		b.checkLedger(t)
	})
}

func formatThousands(n int64, sep string) string {
	s := fmt.Sprint(n)
	var out []string
	for len(s) > 3 {
		out = append([]string{s[len(s)-3:]}, out...)
		s = s[:len(s)-3]
	}
	return strings.Join(append([]string{s}, out...), sep)
}
