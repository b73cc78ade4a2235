package digiflazz

import (
	"net/http"

	wire "github.com/kios-h2h/kios/client/digiflazz"
)

// inquiryPLN serves inquiry-pln: a PLN prepaid customer's name and power, checked before a token
// is sold.
//
// TODO(pln lookup): the core's PLN customer lookup lands with the Digiswitch-style dialect; until
// then a valid request is refused with rc 02 and a message saying why.
func (h *handler) inquiryPLN(w http.ResponseWriter, r *http.Request) {
	var req wire.InquiryPLNRequest
	if ref := h.decode(r, &req); ref != nil {
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
	h.refusePLN(w, r, &req, refuse(wire.RCFailed, "Cek ID pelanggan PLN belum tersedia di server ini"))
}

func (h *handler) refusePLN(w http.ResponseWriter, r *http.Request, req *wire.InquiryPLNRequest, ref *refusal) {
	h.write(w, h.statusOf(r, ref), wire.InquiryPLNData{
		Message: ref.msg, Status: wire.StatusOf(ref.rc), RC: ref.rc, CustomerNo: req.CustomerNo,
	})
}
