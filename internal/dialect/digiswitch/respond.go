package digiswitch

import (
	"encoding/json"
	"net/http"

	ds "github.com/kios-h2h/kios/client/digiswitch"
)

// write sends data wrapped in the envelope, HTTP 200.
func (h *handler) write(w http.ResponseWriter, data any) { h.writeStatus(w, http.StatusOK, data) }

func (h *handler) writeStatus(w http.ResponseWriter, status int, data any) {
	body, err := json.Marshal(ds.Envelope[any]{Data: data})
	if err != nil {
		h.log.Error("encode answer", "err", err)
		status = http.StatusInternalServerError
		body = []byte(`{"data":{"rc":"99","status":"Pending","message":"Kesalahan server"}}`)
	}
	h.writeEncoded(w, status, body)
}

// writeEncoded sends an answer already encoded, envelope included.
func (h *handler) writeEncoded(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// refuse sends a refusal with rc and message, echoing what echo holds.
func (h *handler) refuse(w http.ResponseWriter, echo ds.ErrorData, rc, msg string) {
	echo.RC, echo.Status, echo.Message = rc, ds.StatusOf(rc), msg
	h.write(w, echo)
}

// fail answers err: a refusal with the rc the table gives it, or, for a fault of Kios itself,
// HTTP 500 with rc 99 (pending: the client should resend the same request to learn the outcome).
func (h *handler) fail(w http.ResponseWriter, r *http.Request, echo ds.ErrorData, err error) {
	rc, msg, ok := rcOf(err)
	if !ok {
		h.log.Error("request failed", "path", r.URL.Path, "ref_id", echo.RefID, "err", err)
		echo.RC, echo.Status = ds.RCRouterIssue, ds.StatusPending
		echo.Message = "Kesalahan server; kirim ulang permintaan yang sama untuk mengetahui hasilnya"
		h.writeStatus(w, http.StatusInternalServerError, echo)
		return
	}
	h.log.Debug("request refused", "path", r.URL.Path, "ref_id", echo.RefID, "rc", rc, "err", err)
	h.refuse(w, echo, rc, msg)
}
