package flazzserver

import (
	"context"
	"errors"

	"github.com/kios-h2h/kios/internal/bill"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
)

// Final is what the callback of a final order shows besides the order: the reseller's balance as
// of now and, when the order paid a bill, the bill's inquiry (nil for a prepaid order), whose
// postpaid shape the callback then takes.
type Final struct {
	Balance int64
	Bill    *bill.Inquiry
}

// FinalOf gathers what the callback of o shows.
func FinalOf(ctx context.Context, svc *core.Service, o *order.Order) (Final, error) {
	bal, err := svc.Balance(ctx, o.ResellerID)
	if err != nil {
		return Final{}, err
	}
	in, paid, err := svc.BillStatus(ctx, o.ResellerID, o.Reference)
	switch {
	case err == nil && paid != nil && paid.ID == o.ID:
		return Final{Balance: bal, Bill: in}, nil
	case err == nil, errors.Is(err, bill.ErrNotInquired), errors.Is(err, bill.ErrNotPaid):
		return Final{Balance: bal}, nil
	}
	return Final{}, err
}
