package core_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/kios-h2h/kios/internal/checkid"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// paidProvider answers every ID as valid and charges fee per answer.
type paidProvider struct{ fee int64 }

func (paidProvider) Name() string { return "paid" }
func (p paidProvider) Check(_ context.Context, _, d string) (checkid.Result, error) {
	return checkid.Result{Valid: true, Nickname: "Budi", Destination: d, Fee: p.fee}, nil
}

// TestCheckFeesInTheLedger: each paid answer of a check-ID provider is one posting from the
// provider's deposit (checkid:NAME) to checkid_fees, none for a cached answer, no reseller's
// money moved, the ledger clean (both backends, lock domains asserted).
func TestCheckFeesInTheLedger(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		db := be.Open(t)
		var svc *core.Service
		checker := checkid.New(checkid.Options{Burst: 100, OnFee: func(ctx context.Context, p string, fee int64) { svc.CheckFeeRecorder()(ctx, p, fee) }},
			paidProvider{fee: 75})
		svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), CheckID: checker})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"12345678(1234)", "87654321(4321)", "12345678(1234)"} { // the third is cached
			if r, err := checker.Check(ctx, "reseller:budi", "mobile-legends", d); err != nil || !r.Valid {
				t.Fatalf("check %s: %+v %v", d, r, err)
			}
		}
		fees, err := db.Balance(ctx, ledger.CheckFeesCode)
		if err != nil || fees != 150 {
			t.Fatalf("checkid_fees %d %v, want 150", fees, err)
		}
		if dep, err := db.Balance(ctx, ledger.CheckProviderCode("paid")); err != nil || dep != -150 {
			t.Fatalf("provider deposit %d %v, want -150", dep, err)
		}
		if err := svc.RecordCheckFee(ctx, "paid", 0); err == nil {
			t.Error("a zero fee was posted")
		}
		rep, err := svc.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger check %v %+v", err, rep.Discrepancies)
		}
	})
}
