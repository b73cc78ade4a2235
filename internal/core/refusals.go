package core

import (
	"github.com/kios-h2h/kios/internal/bill"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/order"
)

// Op is a kind of call a reseller dialect makes into the core; a dialect declares the kinds it
// makes (dialect.Dialect.Serves) and must answer every refusal of each in its own words.
type Op string

// The kinds of call whose refusals reach a dialect.
const (
	// OpOrder is placing an order (PlaceOrder).
	OpOrder Op = "order"
	// OpStatus is looking one of the caller's orders up by its invoice or reference.
	OpStatus Op = "status"
	// OpCatalog is looking a product up by its code (BASSTORE's variant list).
	OpCatalog Op = "catalog"
	// OpBill is inquiring and paying a bill, and its status (InquireBill, PayBill).
	OpBill Op = "bill"
	// OpDeposit is asking for a deposit ticket.
	OpDeposit Op = "deposit"
)

// Refusal is one error the core refuses a dialect's call with, as the error table names it.
type Refusal struct {
	// Name is the error as Go code names it ("order.ErrInsufficientBalance").
	Name string
	Op   Op
	Err  error
}

// Refusals is the one list of every error the core refuses a reseller dialect's call with: the
// sentinel errors of the core and the domain packages that reach a dialect, and a *FieldError as
// the example of its kind. Every dialect must answer every refusal of the kinds of call it
// declares, in its own words (TestEveryDialectMapsEveryRefusal in internal/dialect/registry), so a
// refusal added here without a mapping in some dialect fails that test; the answers themselves are
// one table, docs/REFUSALS.md, which the same package's tests keep equal to the code.
func Refusals() []Refusal {
	return []Refusal{
		{"order.ErrReferenceConflict", OpOrder, order.ErrReferenceConflict},
		{"order.ErrReferenceArchived", OpOrder, order.ErrReferenceArchived},
		{"catalog.ErrVariantNotFound", OpOrder, catalog.ErrVariantNotFound},
		{"catalog.ErrInactive", OpOrder, catalog.ErrInactive},
		{"catalog.ErrCutoff", OpOrder, catalog.ErrCutoff},
		{"catalog.ErrOutOfStock", OpOrder, catalog.ErrOutOfStock},
		{"catalog.ErrNoPrice", OpOrder, catalog.ErrNoPrice},
		{"catalog.ErrDisrupted", OpOrder, catalog.ErrDisrupted},
		{"catalog.ErrWrongOperator", OpOrder, catalog.ErrWrongOperator},
		{"catalog.ErrIDNotFound", OpOrder, catalog.ErrIDNotFound},
		{"order.ErrMultiRefused", OpOrder, order.ErrMultiRefused},
		{"order.ErrPriceAboveMax", OpOrder, order.ErrPriceAboveMax},
		{"order.ErrInsufficientBalance", OpOrder, order.ErrInsufficientBalance},
		{"*core.FieldError", OpOrder, &FieldError{Field: "destination", Reason: "is required"}},
		{"order.ErrNotFound", OpStatus, order.ErrNotFound},
		{"catalog.ErrProductNotFound", OpCatalog, catalog.ErrProductNotFound},
		{"bill.ErrNotInquired", OpBill, bill.ErrNotInquired},
		{"bill.ErrNotPaid", OpBill, bill.ErrNotPaid},
		{"bill.ErrExpired", OpBill, bill.ErrExpired},
		{"bill.ErrUnavailable", OpBill, bill.ErrUnavailable},
		{"bill.ErrCustomer", OpBill, bill.ErrCustomer},
		{"bill.ErrBillerDown", OpBill, bill.ErrBillerDown},
		{"deposit.ErrAmount", OpDeposit, deposit.ErrAmount},
		{"deposit.ErrNoFreeAmount", OpDeposit, deposit.ErrNoFreeAmount},
		{"deposit.ErrTooManyOpen", OpDeposit, deposit.ErrTooManyOpen},
	}
}

// OrderRefusals lists every error PlaceOrder refuses an order with, besides *FieldError: the
// sentinel errors of Refusals of kind OpOrder. Each reseller dialect must answer each in its own
// words (a test in internal/dialect/registry walks this list, so a refusal added here without a
// mapping there fails the build's tests).
func OrderRefusals() []error {
	var errs []error
	for _, r := range Refusals() {
		if _, field := r.Err.(*FieldError); r.Op == OpOrder && !field {
			errs = append(errs, r.Err)
		}
	}
	return errs
}
