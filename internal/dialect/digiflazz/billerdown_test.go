package digiflazz_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
)

// downBiller is a supplier whose biller and PLN checker never answer.
type downBiller struct{}

var errDown = errors.New("biller unreachable")

func (downBiller) Name() string { return "down" }
func (downBiller) Purchase(context.Context, supplier.Request) (supplier.Result, error) {
	return supplier.Result{}, errDown
}
func (downBiller) Status(context.Context, supplier.Request) (supplier.Result, error) {
	return supplier.Result{}, errDown
}
func (downBiller) Inquire(context.Context, supplier.BillRequest) (supplier.Bill, error) {
	return supplier.Bill{}, errDown
}
func (downBiller) PLNCustomer(context.Context, string) (supplier.PLNCustomer, error) {
	return supplier.PLNCustomer{}, errDown
}

type downRouter struct{}

func (downRouter) Candidates(context.Context, *order.Order) ([]core.Candidate, error) {
	return []core.Candidate{{Supplier: downBiller{}, SKU: "x"}}, nil
}
func (downRouter) Supplier(context.Context, string) (supplier.Supplier, bool) {
	return downBiller{}, true
}
func (downRouter) Testing() supplier.Supplier { return downBiller{} }

// TestBillerDown: a biller that does not answer is rc 01, and nothing is recorded or charged.
func TestBillerDown(t *testing.T) {
	t.Parallel()
	f := setupRouter(t, storetest.Backends()[0], downRouter{}, digiflazz.Options{})
	before := f.state(t)
	inq := f.tx("pln", "530000000001", "d1")
	inq["commands"] = "inq-pasca"
	if st, a := f.rc(t, "/v1/transaction", inq); st != 200 || a.RC != "01" || a.Status != "Gagal" {
		t.Fatalf("inq-pasca: %d %+v", st, a)
	}
	if st, a := f.rc(t, "/v1/inquiry-pln", map[string]any{"username": "buyer1", "customer_no": "12345678901", "sign": f.sign("12345678901")}); st != 200 || a.RC != "01" {
		t.Fatalf("inquiry-pln: %d %+v", st, a)
	}
	// No inquiry was recorded: paying under its ref_id finds nothing.
	pay := f.tx("pln", "530000000001", "d1")
	pay["commands"] = "pay-pasca"
	if _, a := f.rc(t, "/v1/transaction", pay); a.RC != "50" {
		t.Fatalf("pay-pasca: %+v", a)
	}
	if after := f.state(t); after != before {
		t.Fatalf("state changed: %+v -> %+v", before, after)
	}
}
