package flazzserver

import (
	"context"

	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
)

// DepositPay opens a deposit paid through the first enabled gateway offering method (the
// deposit request's Kios extension) and returns its amount, the ticket's transfer note and the
// payer's instructions as both dialects answer them.
func DepositPay(ctx context.Context, svc *core.Service, res *reseller.Reseller, amount int64, method string) (core.PayView, string, flazz.Payment, error) {
	out, err := svc.DepositPay(ctx, core.PayParams{Reseller: res, Amount: amount, Method: method})
	if err != nil {
		return core.PayView{}, "", flazz.Payment{}, err
	}
	v := core.ViewPay(out)
	return v, out.Ticket.Notes, flazz.Payment{Ticket: v.Ticket, Reference: v.Reference, Method: v.Method, ExpiresAt: v.ExpiresAt,
		PayCode: v.PayCode, QRString: v.QRString, CheckoutURL: v.CheckoutURL}, nil
}
