package digiflazz

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/bill"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
)

// pasca serves the postpaid commands of transaction: inq-pasca looks a bill up (charging
// nothing), pay-pasca pays it under the inquiry's ref_id on the same Jakarta day, status-pasca
// reports on it. Sending pay-pasca again reports on the payment and never pays twice.
//
// Where Digiflazz's pages do not say, the choices are those of the Digiswitch-style dialect:
// pay-pasca or status-pasca under a ref_id never inquired is rc 50; an inquiry never paid is rc 50
// for status-pasca; pay-pasca of an inquiry made on another Jakarta day is rc 60 (inquire again).
func (h *handler) pasca(w http.ResponseWriter, r *http.Request, req *wire.TransactionRequest) {
	if flazzserver.ReservedRef(req.RefID) {
		h.refusePasca(w, r, req, nil, refuse(wire.RCPayload, "Payload error: "+flazzserver.ReservedRefMessage))
		return
	}
	ctx := r.Context()
	res, ref := h.authenticate(ctx, r, req.Username, req.Sign, req.RefID)
	if ref != nil {
		h.refusePasca(w, r, req, nil, ref)
		return
	}
	if ref := checkPascaFields(h.svc, req); ref != nil {
		h.refusePasca(w, r, req, res, ref)
		return
	}
	p := core.BillParams{Reseller: res, VariantCode: req.BuyerSKUCode, Reference: req.RefID, CustomerNo: req.CustomerNo,
		Testing: req.Testing, Dialect: Dialect, CallbackURL: req.CbURL,
		RefField: "ref_id", CodeField: "buyer_sku_code", DestField: "customer_no"}
	in, o, err := flazzserver.Bill(ctx, h.svc, req.Commands, p)
	if req.Commands == wire.CommandStatus && in != nil && flazzserver.OtherBill(in, req.BuyerSKUCode, req.CustomerNo) {
		err = order.ErrReferenceConflict // the ref_id names another bill, paid or not
	}
	if err != nil {
		h.refusePasca(w, r, req, res, refusalOf(err))
		return
	}
	bal, err := h.svc.Balance(ctx, res.ID)
	if err != nil {
		h.refusePasca(w, r, req, nil, faultOf(err))
		return
	}
	h.write(w, http.StatusOK, PascaData(in, o, bal))
}

func checkPascaFields(svc *core.Service, req *wire.TransactionRequest) *refusal {
	switch req.Commands {
	case wire.CommandInquiry, wire.CommandPay, wire.CommandStatus:
	default:
		return refuse(wire.RCPayload, `Payload error: commands harus "inq-pasca", "pay-pasca" atau "status-pasca"`)
	}
	if req.CbURL != "" {
		if ref := checkCallbackURL(svc, req.CbURL); ref != nil {
			return ref
		}
	}
	return nil
}

// PascaData is a postpaid inquiry, and its payment's order once paid (o nil before), as this
// dialect shows it in answers and webhooks.
func PascaData(in *bill.Inquiry, o *order.Order, balance int64) wire.PascaData {
	d := wire.PascaData{RefID: in.Reference, CustomerNo: in.CustomerNo, CustomerName: in.CustomerName,
		BuyerSKUCode: in.VariantCode, Admin: in.Admin, BuyerLastSaldo: balance, Price: in.Price,
		SellingPrice: in.SellingPrice}
	paid := false
	if o == nil {
		d.RC, d.Message = wire.RCSuccess, "Transaksi Sukses"
	} else {
		d.RC, d.Message, d.SN = rcOfOrder(o.Status), o.Message, o.SN
		paid = o.Status == order.Success
	}
	d.Status = wire.StatusOf(d.RC)
	d.Desc = in.DescFor(paid)
	d.Periode = periodeOf(d.Desc)
	return d
}

// periodeOf lists the billed periods of a desc's detail, comma-separated ("202609,202610").
func periodeOf(desc json.RawMessage) string {
	var d struct {
		Detail []struct {
			Periode string `json:"periode"`
		} `json:"detail"`
	}
	if json.Unmarshal(desc, &d) != nil {
		return ""
	}
	ps := make([]string, 0, len(d.Detail))
	for _, it := range d.Detail {
		if it.Periode != "" {
			ps = append(ps, it.Periode)
		}
	}
	return strings.Join(ps, ",")
}

// refusePasca answers a refused postpaid command in the postpaid shape, as refuseTx does.
func (h *handler) refusePasca(w http.ResponseWriter, r *http.Request, req *wire.TransactionRequest, res *reseller.Reseller, ref *refusal) {
	a := h.refusedTx(r, res, ref)
	h.write(w, h.statusOf(r, ref), wire.PascaData{
		RefID: req.RefID, CustomerNo: req.CustomerNo, BuyerSKUCode: req.BuyerSKUCode,
		Message: a.msg, Status: wire.StatusOf(a.rc), RC: a.rc, BuyerLastSaldo: a.balance,
	})
}

func (h *handler) balanceOr0(ctx context.Context, res *reseller.Reseller) int64 {
	bal, err := h.svc.Balance(ctx, res.ID)
	if err != nil {
		return 0
	}
	return bal
}
