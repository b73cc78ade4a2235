package digiflazz

import (
	"net/http"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/reseller"
)

// pasca serves the postpaid commands of transaction: inq-pasca looks a bill up, pay-pasca pays
// it under the inquiry's ref_id, status-pasca reports on it.
//
// TODO(postpaid): the core's bill inquiry, payment and status land with the Digiswitch-style
// dialect; until then a valid command is refused with rc 43 (no postpaid product can be
// transacted) and a message saying why, and nothing is recorded.
func (h *handler) pasca(w http.ResponseWriter, r *http.Request, req *wire.TransactionRequest) {
	res, ref := h.authenticate(r.Context(), r, req.Username, req.Sign, req.RefID)
	if ref != nil {
		h.refusePasca(w, r, req, nil, ref)
		return
	}
	switch req.Commands {
	case wire.CommandInquiry, wire.CommandPay, wire.CommandStatus:
	default:
		h.refusePasca(w, r, req, res, refuse(wire.RCPayload, `Payload error: commands harus "inq-pasca", "pay-pasca" atau "status-pasca"`))
		return
	}
	for _, f := range []struct{ name, val string }{{"buyer_sku_code", req.BuyerSKUCode}, {"customer_no", req.CustomerNo}, {"ref_id", req.RefID}} {
		if f.val == "" {
			h.refusePasca(w, r, req, res, refuse(wire.RCPayload, "Payload error: "+f.name+" is required"))
			return
		}
	}
	h.refusePasca(w, r, req, res, refuse(wire.RCProduct, "Produk pascabayar belum tersedia di server ini"))
}

func (h *handler) refusePasca(w http.ResponseWriter, r *http.Request, req *wire.TransactionRequest, res *reseller.Reseller, ref *refusal) {
	d := wire.PascaData{
		RefID: req.RefID, CustomerNo: req.CustomerNo, BuyerSKUCode: req.BuyerSKUCode,
		Message: ref.msg, Status: wire.StatusOf(ref.rc), RC: ref.rc,
	}
	if res != nil {
		if bal, err := h.svc.Balance(r.Context(), res.ID); err == nil {
			d.BuyerLastSaldo = bal
		}
	}
	h.write(w, h.statusOf(r, ref), d)
}
