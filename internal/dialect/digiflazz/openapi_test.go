package digiflazz_test

import (
	"context"
	"testing"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/dialect/openapitest"
)

// TestOpenAPI checks the dialect's OpenAPI description against the wire: every endpoint's answers
// and refusals, each request and answer validated as the Go client sends and reads it.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	spec := openapitest.New(t, digiflazz.Registration().OpenAPI)
	f := setup(t, digiflazz.Options{})
	f.runWorkers(t)
	ctx := context.Background()
	c := wire.New(f.Server.URL+"/v1", f.Reseller.Reseller.Username, f.Reseller.APIKey, wire.WithHTTPClient(spec.Client(t)))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.Balance(ctx)
	must(err)
	_, err = c.PriceList(ctx, wire.PriceFilter{})
	must(err)
	_, err = c.PascaPriceList(ctx, wire.PriceFilter{})
	must(err)
	req := wire.TransactionRequest{BuyerSKUCode: "s5", CustomerNo: "081234567890", RefID: "oa-1"}
	_, err = c.Transaction(ctx, req)
	must(err)
	// The status check's answer once the core signals the order final.
	f.WaitOrder(t, "oa-1")
	_, err = c.Transaction(ctx, req)
	must(err)
	_, err = c.Deposit(ctx, 100000, "BCA", "Budi")
	must(err)
	_, err = c.InquiryPLN(ctx, "12345678901")
	must(err)
	_, err = c.Pasca(ctx, wire.CommandInquiry, wire.TransactionRequest{BuyerSKUCode: "pln", CustomerNo: "530000000001", RefID: "oa-2"})
	must(err)
	// Refusals are answers too.
	_, _ = c.Transaction(ctx, wire.TransactionRequest{BuyerSKUCode: "s5", CustomerNo: "0812", RefID: "oa-3", MaxPrice: 1})
	_, _ = c.Deposit(ctx, 100, "BCA", "Budi")
	_, _ = c.InquiryPLN(ctx, "12345670000")
	_, _ = c.Pasca(ctx, wire.CommandStatus, wire.TransactionRequest{BuyerSKUCode: "pln", CustomerNo: "530000000001", RefID: "oa-2"})
	bad := wire.New(f.Server.URL+"/v1", f.Reseller.Reseller.Username, "not-the-key", wire.WithHTTPClient(spec.Client(t)))
	_, _ = bad.Balance(ctx)
}
