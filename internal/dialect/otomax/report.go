package otomax

import (
	"context"

	wire "github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/textcmd"
)

// ReportURL is the report-back of a final order placed in this dialect: the reseller's URL with
// serverid (the invoice), clientid (its refID), statuscode (1 success, 2 failed), kp (product),
// msisdn (destination), sn and msg (the text channel's final answer) added to its query. An
// order not final yet has no report: ok is false.
func ReportURL(ctx context.Context, svc *core.Service, o *order.Order, base string) (u string, ok bool, err error) {
	code := wire.ReportFailed
	switch o.Status {
	case order.Success:
		code = wire.ReportSuccess
	case order.Failed:
	default:
		return "", false, nil
	}
	bal, err := svc.Balance(ctx, o.ResellerID)
	if err != nil {
		return "", false, err
	}
	rep := wire.Report{ServerID: o.Invoice, ClientID: o.Reference, StatusCode: code, KP: o.VariantCode, MSISDN: o.Destination,
		Msg: textcmd.FinalAnswer(o, bal)}
	if o.Status == order.Success {
		rep.SN = o.SN
	}
	u, err = rep.URL(base)
	return u, err == nil, err
}
