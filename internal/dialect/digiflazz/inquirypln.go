package digiflazz

import (
	"net/http"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
)

// inquiryPLN serves inquiry-pln: a PLN prepaid customer's name and power, checked before a token
// is sold. It charges nothing.
func (h *handler) inquiryPLN(w http.ResponseWriter, r *http.Request) {
	var req wire.InquiryPLNRequest
	if ref := h.decode(w, r, &req); ref != nil {
		h.refusePLN(w, r, &req, ref)
		return
	}
	if _, ref := h.authenticate(r.Context(), r, req.Username, req.Sign, req.CustomerNo); ref != nil {
		h.refusePLN(w, r, &req, ref)
		return
	}
	if req.CustomerNo == "" {
		h.refusePLN(w, r, &req, refuse(wire.RCPayload, "Payload error: customer_no wajib diisi"))
		return
	}
	if !flazzserver.MeterNumber(req.CustomerNo) {
		h.refusePLN(w, r, &req, refuse(wire.RCDestination, "Nomor meter/ID pelanggan PLN harus 11 atau 12 angka"))
		return
	}
	c, err := h.svc.PLNCustomer(r.Context(), req.CustomerNo)
	if err != nil {
		h.refusePLN(w, r, &req, refusalOf(err))
		return
	}
	h.write(w, http.StatusOK, wire.InquiryPLNData{Message: "Transaksi Sukses", Status: wire.StatusSuccess, RC: wire.RCSuccess,
		PLNCustomer: flazz.PLNCustomer(c)})
}

func (h *handler) refusePLN(w http.ResponseWriter, r *http.Request, req *wire.InquiryPLNRequest, ref *refusal) {
	h.write(w, h.statusOf(r, ref), wire.InquiryPLNData{
		Message: ref.msg, Status: wire.StatusOf(ref.rc), RC: ref.rc, PLNCustomer: flazz.PLNCustomer{CustomerNo: req.CustomerNo},
	})
}
