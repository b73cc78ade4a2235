package digiflazz

import (
	"net/http"
	"net/url"
	"strings"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
)

// Dialect names orders placed through this API, for callbacks.
const Dialect = "digiflazz"

// transaction serves transaction: a prepaid purchase (no commands), which the same request sent
// again reports on, or a postpaid command.
func (h *handler) transaction(w http.ResponseWriter, r *http.Request) {
	var req wire.TransactionRequest
	if ref := h.decode(w, r, &req); ref != nil {
		h.refuseTx(w, r, &req, nil, ref)
		return
	}
	if req.Commands != "" {
		h.pasca(w, r, &req)
		return
	}
	if flazzserver.ReservedRef(req.RefID) {
		h.refuseTx(w, r, &req, nil, refuse(wire.RCPayload, "Payload error: "+flazzserver.ReservedRefMessage))
		return
	}
	ctx := r.Context()
	res, ref := h.authenticate(ctx, r, req.Username, req.Sign, req.RefID)
	if ref != nil {
		h.refuseTx(w, r, &req, nil, ref)
		return
	}
	if ref := checkTxFields(h.svc, &req); ref != nil {
		h.refuseTx(w, r, &req, res, ref)
		return
	}
	placed, err := h.svc.PlaceOrder(ctx, core.PlaceParams{
		Reseller:    res,
		VariantCode: req.BuyerSKUCode,
		Reference:   req.RefID,
		Destination: req.CustomerNo,
		MaxPrice:    req.MaxPrice,
		Testing:     req.Testing,
		Dialect:     Dialect,
		CallbackURL: req.CbURL,
		RefField:    "ref_id", CodeField: "buyer_sku_code", DestField: "customer_no",
	})
	if err != nil {
		h.refuseTx(w, r, &req, res, refusalOf(err))
		return
	}
	bal, err := h.svc.BalanceAfter(ctx, placed)
	if err != nil {
		// The order stands (it was committed); only the balance is missing. Resending the same
		// request reports on the order.
		h.refuseTx(w, r, &req, nil, faultOf(err))
		return
	}
	h.write(w, http.StatusOK, txData(placed.Order, bal))
}

// checkTxFields checks what the core does not: the dialect's own options.
func checkTxFields(svc *core.Service, req *wire.TransactionRequest) *refusal {
	if strings.Contains(req.CustomerNo, ".") && !req.AllowDot {
		return refuse(wire.RCDestination, "Nomor tujuan salah: customer_no mengandung titik (kirim allow_dot: true bila memang begitu)")
	}
	if req.MaxPrice < 0 {
		return refuse(wire.RCPayload, "Payload error: max_price tidak boleh negatif")
	}
	if req.CbURL != "" {
		return checkCallbackURL(svc, req.CbURL)
	}
	return nil
}

// checkCallbackURL accepts an absolute http or https URL of reasonable length whose host the core
// accepts (no loopback, private, documentation… address).
func checkCallbackURL(svc *core.Service, s string) *refusal {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > 2048 {
		return refuse(wire.RCPayload, "Payload error: cb_url harus URL http atau https")
	}
	if svc.CheckCallbackURL(s) != nil {
		return refuse(wire.RCPayload, "Payload error: cb_url menunjuk ke alamat khusus (loopback, jaringan privat, dokumentasi atau cadangan) yang tidak akan dipanggil")
	}
	return nil
}

func txData(o *order.Order, balance int64) wire.TransactionData {
	rc := rcOfOrder(o.Status)
	return wire.TransactionData{
		RefID: o.Reference, CustomerNo: o.Destination, BuyerSKUCode: o.VariantCode,
		Message: o.Message, Status: wire.StatusOf(rc), RC: rc, SN: o.SN,
		BuyerLastSaldo: balance, Price: o.Price,
	}
}

// refuseTx answers a refused transaction in the transaction's own shape, echoing the request's
// fields, with the balance when the caller is known.
func (h *handler) refuseTx(w http.ResponseWriter, r *http.Request, req *wire.TransactionRequest, res *reseller.Reseller, ref *refusal) {
	a := h.refusedTx(r, res, ref)
	h.write(w, h.statusOf(r, ref), wire.TransactionData{
		RefID: req.RefID, CustomerNo: req.CustomerNo, BuyerSKUCode: req.BuyerSKUCode,
		Message: a.msg, Status: wire.StatusOf(a.rc), RC: a.rc, BuyerLastSaldo: a.balance,
	})
}

// refusedAnswer is what a refused prepaid or postpaid transaction answers besides the request's echo.
type refusedAnswer struct {
	rc, msg string
	balance int64
}

// refusedTx is the answer to a refused transaction: the refusal's rc, or, for a server fault,
// rc 99. The order may or may not have been recorded: rc 99 (pending) tells a client to send the
// same request again, which is the status check and can never buy twice. The balance is the
// caller's when it is known.
func (h *handler) refusedTx(r *http.Request, res *reseller.Reseller, ref *refusal) refusedAnswer {
	a := refusedAnswer{rc: ref.rc, msg: ref.msg}
	if ref.fault != nil {
		a.rc, a.msg = wire.RCRouterIssue, "Gangguan pada server; kirim ulang permintaan yang sama untuk cek status"
	}
	if res != nil {
		a.balance = h.balanceOr0(r.Context(), res)
	}
	return a
}
