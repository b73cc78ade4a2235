package flazzserver

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/bill"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
)

// Bill runs a postpaid command: flazz.CommandInquiry looks the bill up (charging nothing; inquired
// again after paying, it shows the payment), CommandPay pays it under the inquiry's reference on
// the same Jakarta day (again: reports on the payment, never pays twice), CommandStatus reports on
// it. It returns the inquiry and, once paid, its payment's order.
//
// For CommandStatus the inquiry may name another bill than p (another product or customer); each
// dialect decides what that is.
func Bill(ctx context.Context, svc *core.Service, command string, p core.BillParams) (in *bill.Inquiry, o *order.Order, err error) {
	switch command {
	case flazz.CommandInquiry:
		if in, err = svc.Inquire(ctx, p); err == nil && in.OrderID != 0 {
			o, err = svc.OrderByReference(ctx, p.Reseller.ID, in.Reference)
		}
		return in, o, err
	case flazz.CommandPay:
		paid, err := svc.PayBill(ctx, p)
		return paid.Inquiry, paid.Order, err
	case flazz.CommandStatus:
		return svc.BillStatus(ctx, p.Reseller.ID, p.Reference)
	}
	return nil, nil, fmt.Errorf("postpaid command %q", command)
}

// OtherBill reports whether an inquiry is of another bill than the one a request names.
func OtherBill(in *bill.Inquiry, code, customerNo string) bool {
	return in.VariantCode != code || in.CustomerNo != customerNo
}
