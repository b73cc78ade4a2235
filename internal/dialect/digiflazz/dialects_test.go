package digiflazz_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/dialect/digiswitch"
	"github.com/kios-h2h/kios/internal/kiostest"
)

// TestBesideDigiswitch mounts both dialects on one mux, as the server does ("/v1/" here,
// "/v1/user/api/" there): each path reaches its own dialect, and both see the same reseller,
// balance and orders.
func TestBesideDigiswitch(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{})
	mux := http.NewServeMux()
	mux.Handle("/v1/", digiflazz.New(f.Svc, digiflazz.Options{Logger: kiostest.Quiet()}))
	mux.Handle("/v1/user/api/", digiswitch.New(f.Svc, digiswitch.Options{Logger: kiostest.Quiet()}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	df := wire.New(srv.URL+"/v1", "buyer1", f.Reseller.APIKey)
	dsc := ds.New(srv.URL, "buyer1", f.Reseller.APIKey)

	d, err := df.Transaction(ctx, wire.TransactionRequest{BuyerSKUCode: "s5", CustomerNo: "081234567890", RefID: "both-1"})
	if err != nil || d.RC != wire.RCPending {
		t.Fatalf("digiflazz transaction %+v %v", d, err)
	}
	a, err := df.Balance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := dsc.Balance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a != startBalance-5005 || b != a {
		t.Fatalf("balances: digiflazz %d, digiswitch %d", a, b)
	}
	// The order placed in one dialect is the same order in the other: the same ref_id with the
	// same product and customer is its status check there too.
	st, err := dsc.Transaction(ctx, ds.TransactionRequest{Code: "s5", CustomerNo: "081234567890", RefID: "both-1"})
	if err != nil || st.RC != "03" || st.Price != 5005 {
		t.Fatalf("digiswitch status %+v %v", st, err)
	}
	if n := len(f.orders(t)); n != 1 {
		t.Fatalf("%d orders", n)
	}
	// Each path reaches its own dialect: the deposit sign suffix is "depo" there, "deposit" here.
	if _, err := dsc.Deposit(ctx, 50000, "BCA", "Budi"); err != nil {
		t.Fatalf("digiswitch deposit: %v", err)
	}
	if dep, err := df.Deposit(ctx, 60000, "BCA", "Budi"); err != nil || dep.RC != "00" {
		t.Fatalf("digiflazz deposit: %+v %v", dep, err)
	}
}
