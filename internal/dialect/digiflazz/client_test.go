package digiflazz_test

import (
	"context"
	"testing"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
)

// TestThroughGoClient drives the handler through the public Go client, as a Go integration would.
func TestThroughGoClient(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{})
	f.runWorkers(t)
	ctx := context.Background()
	c := f.client

	if bal, err := c.Balance(ctx); err != nil || bal != startBalance {
		t.Fatalf("balance %d %v", bal, err)
	}
	items, err := c.PriceList(ctx, wire.PriceFilter{Code: "s5"})
	if err != nil || len(items) != 1 || items[0].Price != 5005 {
		t.Fatalf("price list %+v %v", items, err)
	}
	pasca, err := c.PascaPriceList(ctx, wire.PriceFilter{})
	if err != nil || len(pasca) != 1 || pasca[0].Admin != 2500 {
		t.Fatalf("pasca price list %+v %v", pasca, err)
	}

	req := wire.TransactionRequest{BuyerSKUCode: "s5", CustomerNo: "081234567890", RefID: "go-1"}
	d, err := c.Transaction(ctx, req)
	if err != nil || d.RC != wire.RCPending {
		t.Fatalf("transaction %+v %v", d, err)
	}
	// The status check (the same request again) once the core signals the order final.
	f.WaitOrder(t, "go-1")
	if d, err = c.Transaction(ctx, req); err != nil {
		t.Fatal(err)
	}
	if d.RC != wire.RCSuccess || d.SN == "" || d.BuyerLastSaldo != startBalance-5005 {
		t.Fatalf("final %+v", d)
	}

	req.CustomerNo = "089999999999"
	if _, err := c.Transaction(ctx, req); !refusedWith(err, wire.RCRefConflict) {
		t.Fatalf("reused ref_id: %v", err)
	}
	if _, err := c.Transaction(ctx, wire.TransactionRequest{BuyerSKUCode: "s5", CustomerNo: "0812", RefID: "go-2", MaxPrice: 1}); !refusedWith(err, wire.RCPriceAboveMax) {
		t.Fatalf("max_price: %v", err)
	}
	if dep, err := c.Deposit(ctx, 100000, "BCA", "Budi"); err != nil || dep.RC != "00" || dep.Amount <= 100000 || dep.Notes == "" {
		t.Fatalf("deposit: %+v %v", dep, err)
	}
	if _, err := c.Deposit(ctx, 100, "BCA", "Budi"); !refusedWith(err, wire.RCPayload) {
		t.Fatalf("small deposit: %v", err)
	}
	if pln, err := c.InquiryPLN(ctx, "12345678901"); err != nil || pln.Name == "" || pln.RC != "00" {
		t.Fatalf("inquiry-pln: %+v %v", pln, err)
	}
	if _, err := c.InquiryPLN(ctx, "12345670000"); !refusedWith(err, wire.RCDestination) {
		t.Fatalf("inquiry-pln of an unknown customer: %v", err)
	}
	inq, err := c.Pasca(ctx, wire.CommandInquiry, wire.TransactionRequest{BuyerSKUCode: "pln", CustomerNo: "530000000001", RefID: "go-3"})
	if err != nil || inq.RC != "00" || inq.CustomerName == "" || inq.SellingPrice <= inq.Price || len(inq.Desc) == 0 {
		t.Fatalf("inq-pasca: %+v %v", inq, err)
	}
	if _, err := c.Pasca(ctx, wire.CommandStatus, wire.TransactionRequest{BuyerSKUCode: "pln", CustomerNo: "530000000001", RefID: "go-3"}); !refusedWith(err, wire.RCNotFound) {
		t.Fatalf("status-pasca before paying: %v", err)
	}
	bad := wire.New(f.Server.URL+"/v1", f.Reseller.Reseller.Username, "not-the-key")
	if _, err := bad.Balance(ctx); !refusedWith(err, wire.RCSign) {
		t.Fatalf("wrong key: %v", err)
	}
}

func refusedWith(err error, rc string) bool {
	e, ok := wire.AsRCError(err)
	return ok && e.RC == rc
}
