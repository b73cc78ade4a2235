package digiswitch

import (
	"net/http"
	"strings"

	ds "github.com/kios-h2h/kios/client/digiswitch"
)

func (h *handler) token(w http.ResponseWriter, r *http.Request) {
	body, ok := h.readBody(w, r)
	if !ok {
		return
	}
	var req ds.TokenRequest
	err := decode(body, &req)
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
	if !meterNumber(req.CustomerNo) {
		h.refuse(w, echo, ds.RCDestination, "Nomor meter/ID pelanggan PLN harus 11 atau 12 angka")
		return
	}
	c, err := h.svc.PLNCustomer(r.Context(), req.CustomerNo)
	if err != nil {
		h.fail(w, r, echo, err)
		return
	}
	h.write(w, ds.TokenResponse{CustomerNo: c.CustomerNo, MeterNo: c.MeterNo, SubscriberID: c.SubscriberID, Name: c.Name,
		SegmentPower: c.SegmentPower})
}

// meterNumber reports whether s looks like a PLN meter number (11 digits) or customer id (12).
func meterNumber(s string) bool {
	if len(s) != 11 && len(s) != 12 {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}
