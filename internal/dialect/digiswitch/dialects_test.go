package digiswitch_test

import (
	"context"
	"errors"
	"testing"

	bs "github.com/kios-h2h/kios/client/basstore"
	ds "github.com/kios-h2h/kios/client/digiswitch"
)

// TestBothDialectsOneBalance: one reseller credited through the core, buying through this API and
// the BASSTORE-style one, sees one balance in both and in the core; a reference used on one API is
// taken on the other.
func TestBothDialectsOneBalance(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{noCredit: true})
	b.Run()
	ctx := context.Background()
	// The kit's server speaks every dialect, BASSTORE's too.
	bc := bs.NewClient(b.Server.URL, b.Reseller.Token, bs.Options{})
	dc := ds.New(b.Server.URL, b.user(), b.Reseller.APIKey)

	if _, err := b.Svc.Credit(ctx, b.user(), 50000, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := dc.Transaction(ctx, ds.TransactionRequest{Code: "s5", CustomerNo: "081234567890", RefID: "both-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := bc.Order(ctx, bs.OrderRequest{Code: "s5", ReferenceNumber: "both-2", Data: "081234567891"}); err != nil {
		t.Fatal(err)
	}
	want := int64(50000 - 2*5005)
	check := func() {
		t.Helper()
		core := b.Balance(b.T)
		viaDS, err := dc.Balance(ctx)
		if err != nil {
			t.Fatal(err)
		}
		viaBS, err := bc.Balance(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if core != want || viaDS != want || viaBS.Balance != want {
			t.Fatalf("balances: core %d, digiswitch %d, basstore %d, want %d", core, viaDS, viaBS.Balance, want)
		}
	}
	check()
	// One reference space: each API sees the other's order under its reference.
	_, err := dc.Transaction(ctx, ds.TransactionRequest{Code: "s5", CustomerNo: "089999999999", RefID: "both-2"})
	var apiErr *ds.APIError
	if !errors.As(err, &apiErr) || apiErr.RC != ds.RCRefConflict {
		t.Fatalf("digiswitch reusing a basstore reference: %v", err)
	}
	resp, err := dc.Transaction(ctx, ds.TransactionRequest{Code: "s5", CustomerNo: "081234567891", RefID: "both-2"})
	if err != nil || resp.Price != 5005 {
		t.Fatalf("digiswitch status of the basstore order: %+v %v", resp, err)
	}
	if _, err := bc.Order(ctx, bs.OrderRequest{Code: "s5", ReferenceNumber: "both-1", Data: "089999999999"}); err == nil {
		t.Fatal("basstore reused a digiswitch reference")
	}
	b.WaitOrder(b.T, "both-1")
	b.WaitOrder(b.T, "both-2")
	check()
	b.CheckLedger(b.T)
}
