package digiswitch

import (
	"net/http"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
)

func (h *handler) token(w http.ResponseWriter, r *http.Request) {
	var req ds.TokenRequest
	err := h.decode(w, r, &req)
	echo := ds.ErrorData{CustomerNo: req.CustomerNo}
	if err != nil {
		h.refuse(w, echo, ds.RCPayload, err.Error())
		return
	}
	if err := required("username", req.Username, "sign", req.Sign, "customer_no", req.CustomerNo); err != nil {
		h.refuse(w, echo, ds.RCPayload, err.Error())
		return
	}
	res := h.authenticate(w, r, req.Username, req.Sign, req.CustomerNo, echo)
	if res == nil {
		return
	}
	if !flazzserver.MeterNumber(req.CustomerNo) {
		h.refuse(w, echo, ds.RCDestination, "Nomor meter/ID pelanggan PLN harus 11 atau 12 angka")
		return
	}
	c, err := h.svc.PLNCustomer(r.Context(), req.CustomerNo)
	if err != nil {
		h.fail(w, r, echo, err)
		return
	}
	h.write(w, ds.TokenResponse(c))
}
