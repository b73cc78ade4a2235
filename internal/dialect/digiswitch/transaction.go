package digiswitch

import (
	"net/http"
	"net/url"
	"strings"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/order"
)

// Dialect is the name orders placed through this API carry (order.Order.Dialect), for callbacks.
const Dialect = "digiswitch"

// transactionRequest adds the field names Digiflazz clients send: buyer_sku_code for code and
// commands for command.
type transactionRequest struct {
	ds.TransactionRequest
	BuyerSKUCode string `json:"buyer_sku_code"`
	Commands     string `json:"commands"`
}

func (h *handler) transaction(w http.ResponseWriter, r *http.Request) {
	var raw transactionRequest
	err := h.decode(w, r, &raw)
	req := raw.TransactionRequest
	if req.Code == "" {
		req.Code = raw.BuyerSKUCode
	}
	if req.Command == "" {
		req.Command = raw.Commands
	}
	echo := ds.ErrorData{RefID: req.RefID, CustomerNo: req.CustomerNo, Code: req.Code}
	if err != nil {
		h.refuse(w, echo, ds.RCPayload, err.Error())
		return
	}
	if err := required("username", req.Username, "sign", req.Sign, "ref_id", req.RefID, "code", req.Code,
		"customer_no", req.CustomerNo); err != nil {
		h.refuse(w, echo, ds.RCPayload, err.Error())
		return
	}
	if flazzserver.ReservedRef(req.RefID) {
		h.refuse(w, echo, ds.RCPayload, "Field "+flazzserver.ReservedRefMessage)
		return
	}
	if req.MaxPrice < 0 {
		h.refuse(w, echo, ds.RCPayload, "Field max_price tidak boleh negatif")
		return
	}
	if req.CallbackURL != "" && !validCallback(req.CallbackURL) {
		h.refuse(w, echo, ds.RCPayload, "Field cb_url harus URL http atau https")
		return
	}
	if req.CallbackURL != "" && h.svc.CheckCallbackURL(req.CallbackURL) != nil {
		h.refuse(w, echo, ds.RCPayload, msgCallbackAddress)
		return
	}
	command := strings.ToLower(strings.TrimSpace(req.Command))
	switch command {
	case "", ds.CommandInquiry, ds.CommandPay, ds.CommandStatus:
	default:
		h.refuse(w, echo, ds.RCPayload, `Field command harus kosong (prabayar), "inq-pasca", "pay-pasca" atau "status-pasca"`)
		return
	}
	res := h.authenticate(w, r, req.Username, req.Sign, req.RefID, echo)
	if res == nil {
		return
	}
	if command != "" {
		h.postpaid(w, r, res, command, req, echo)
		return
	}
	placed, err := h.svc.PlaceOrder(r.Context(), core.PlaceParams{
		Reseller: res, VariantCode: req.Code, Reference: req.RefID, Destination: req.CustomerNo,
		MaxPrice: req.MaxPrice, Testing: req.Testing, Dialect: Dialect, CallbackURL: req.CallbackURL,
		RefField: "ref_id", CodeField: "code", DestField: "customer_no",
	})
	if err != nil {
		h.fail(w, r, echo, err)
		return
	}
	bal, err := h.svc.BalanceAfter(r.Context(), placed)
	if err != nil {
		h.fail(w, r, echo, err)
		return
	}
	h.write(w, TransactionData(placed.Order, bal))
}

func validCallback(s string) bool {
	if len(s) > 512 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// rcOfOrder gives an order's rc: pending 03, success 00, failed 02.
func rcOfOrder(o *order.Order) string { return flazzserver.RCOfOrder(o.Status) }

// TransactionData is a prepaid order as this dialect shows it, in answers and in callbacks;
// balance is the reseller's available balance to show.
func TransactionData(o *order.Order, balance int64) ds.TransactionResponse {
	rc := rcOfOrder(o)
	return ds.TransactionResponse{RefID: o.Reference, CustomerNo: o.Destination, Code: o.VariantCode, Message: o.Message,
		Status: ds.StatusOf(rc), RC: rc, SN: o.SN, Balance: balance, Price: o.Price}
}

// msgCallbackAddress refuses a cb_url whose host is a special-purpose address.
const msgCallbackAddress = "Field cb_url menunjuk ke alamat khusus (loopback, jaringan privat, dokumentasi atau cadangan) yang tidak akan dipanggil"
