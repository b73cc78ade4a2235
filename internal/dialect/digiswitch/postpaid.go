package digiswitch

import (
	"context"
	"net/http"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/bill"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
)

// postpaid serves inq-pasca, pay-pasca and status-pasca.
//
// Choices where no page says: pay-pasca or status-pasca under a ref_id never inquired is rc 50
// (transaction not found); pay-pasca of an inquiry made on another Jakarta day is rc 60 (inquire
// again: the bill may have changed); status-pasca of an inquiry never paid is rc 50; a bill paid
// this month already (under any ref_id) is rc 60.
func (h *handler) postpaid(w http.ResponseWriter, r *http.Request, res *reseller.Reseller, command string, req ds.TransactionRequest, echo ds.ErrorData) {
	ctx := r.Context()
	p := core.BillParams{Reseller: res, VariantCode: req.Code, Reference: req.RefID, CustomerNo: req.CustomerNo,
		Testing: req.Testing, Dialect: Dialect, CallbackURL: req.CallbackURL, RefField: "ref_id", CodeField: "code", DestField: "customer_no"}
	in, o, err := flazzserver.Bill(ctx, h.svc, command, p)
	if command == ds.CommandStatus && err == nil && flazzserver.OtherBill(in, req.Code, req.CustomerNo) {
		// Only a paid bill is told apart: an unpaid inquiry is rc 50 whatever it names.
		err = order.ErrReferenceConflict
	}
	if err != nil {
		h.fail(w, r, echo, err)
		return
	}
	h.answerBill(ctx, w, r, res, in, o, echo)
}

func (h *handler) answerBill(ctx context.Context, w http.ResponseWriter, r *http.Request, res *reseller.Reseller, in *bill.Inquiry, o *order.Order, echo ds.ErrorData) {
	bal, err := h.svc.Balance(ctx, res.ID)
	if err != nil {
		h.fail(w, r, echo, err)
		return
	}
	h.write(w, PostpaidData(in, o, bal))
}

// PostpaidData is a postpaid inquiry, and its payment's order once paid (o nil before), as this
// dialect shows it in answers and callbacks.
func PostpaidData(in *bill.Inquiry, o *order.Order, balance int64) ds.PostpaidResponse {
	out := ds.PostpaidResponse{RefID: in.Reference, CustomerNo: in.CustomerNo, Name: in.CustomerName, Code: in.VariantCode,
		Admin: in.Admin, Balance: balance, Price: in.Price, SellingPrice: in.SellingPrice}
	if o == nil {
		out.RC, out.Status, out.Message = ds.RCSuccess, ds.StatusSuccess, "Inquiry sukses"
		out.Desc = in.DescFor(false)
		return out
	}
	out.RC = rcOfOrder(o)
	out.Status, out.Message, out.SN = ds.StatusOf(out.RC), o.Message, o.SN
	out.Desc = in.DescFor(o.Status == order.Success)
	return out
}
