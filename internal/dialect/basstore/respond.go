package basstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/request"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"

	wire "github.com/kios-h2h/kios/client/basstore"
)

// Refusals decided in this package, before or beside the core.
var (
	errNoToken     = errors.New("no bearer token")
	errSuspended   = errors.New("reseller suspended")
	errRateLimited = errors.New("rate limited")
	errMethod      = errors.New("method not allowed")
	errNoEndpoint  = errors.New("no such endpoint")
	errNoInvoice   = errors.New("no invoice in path")
)

// ipError is a call from outside the reseller's allowlist; ip "" is a caller behind a trusted
// proxy that did not name it.
type ipError struct{ ip string }

func (e *ipError) Error() string {
	if e.ip == "" {
		return "client address unknown"
	}
	return "IP " + e.ip + " not allowed"
}

// wib is Jakarta's time, in which an archive's cut is told.
var wib = time.FixedZone("WIB", 7*60*60)

// refusal turns an error into the envelope's code and message. It is the one place that does:
// endpoints return core errors as they come. Anything not listed is a bug, answered 500 with a
// message that reveals nothing.
func refusal(err error) (int, string) {
	var (
		fe  *core.FieldError
		ipe *ipError
		re  *request.Error
		ae  *order.ArchivedError
	)
	switch {
	case errors.Is(err, errNoToken):
		return http.StatusUnauthorized, "Unauthorized: missing Authorization: Bearer token"
	case errors.Is(err, reseller.ErrNotFound):
		return http.StatusUnauthorized, "Unauthorized: invalid API token"
	case errors.As(err, &ipe):
		if ipe.ip == "" {
			return http.StatusForbidden, "Forbidden: client address unknown (the proxy sent no usable X-Forwarded-For)"
		}
		return http.StatusForbidden, "Forbidden: IP " + ipe.ip + " is not whitelisted"
	case errors.Is(err, errSuspended):
		return http.StatusForbidden, "Forbidden: account suspended"
	case errors.Is(err, errRateLimited):
		return http.StatusTooManyRequests, "Too many requests, slow down"
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed, "Method not allowed: use POST"
	case errors.Is(err, errNoEndpoint):
		return http.StatusNotFound, "Endpoint not found"
	case errors.Is(err, errNoInvoice):
		return http.StatusBadRequest, "invoice is required in the path: /api/v1/status-order/{invoice}"
	case errors.As(err, &re):
		return bodyRefusal(re)
	case errors.As(err, &fe):
		return http.StatusBadRequest, fe.Field + " " + fe.Reason
	case errors.Is(err, catalog.ErrProductNotFound):
		return http.StatusNotFound, "Product not found"
	case errors.Is(err, catalog.ErrVariantNotFound):
		return http.StatusNotFound, "Variant not found"
	case errors.As(err, &ae):
		// Still a 404, as an unknown invoice's, saying why it is not found: the date and not
		// where it went (a path on the server is the operator's).
		return http.StatusNotFound, "Invoice archived: final orders made before " + ae.Before.In(wib).Format("2006-01-02 15:04") +
			" WIB are no longer kept live"
	case errors.Is(err, order.ErrNotFound):
		return http.StatusNotFound, "Invoice not found"
	case errors.Is(err, order.ErrInsufficientBalance):
		return http.StatusPaymentRequired, "Insufficient balance"
	case errors.Is(err, order.ErrReferenceConflict):
		return http.StatusConflict, "referenceNumber already used for a different order"
	case errors.Is(err, order.ErrReferenceArchived):
		return http.StatusConflict, "referenceNumber already used by an archived order"
	case errors.Is(err, catalog.ErrInactive):
		return http.StatusUnprocessableEntity, "Variant is inactive"
	case errors.Is(err, catalog.ErrOutOfStock):
		return http.StatusUnprocessableEntity, "Variant is out of stock"
	case errors.Is(err, catalog.ErrDisrupted):
		return http.StatusUnprocessableEntity, "Variant is temporarily unavailable (gangguan), try again later"
	case errors.Is(err, catalog.ErrWrongOperator):
		return http.StatusUnprocessableEntity, "Nomor tidak sesuai operator"
	case errors.Is(err, catalog.ErrIDNotFound):
		return http.StatusUnprocessableEntity, "ID tidak ditemukan"
	case errors.Is(err, catalog.ErrCutoff):
		return http.StatusUnprocessableEntity, "Variant is in its daily cut-off window, try again later"
	case errors.Is(err, catalog.ErrNoPrice):
		return http.StatusUnprocessableEntity, "Variant has no price for your membership"
	case errors.Is(err, order.ErrMultiRefused):
		return http.StatusUnprocessableEntity, "Same variant to the same destination already ordered today"
	case errors.Is(err, order.ErrPriceAboveMax):
		return http.StatusUnprocessableEntity, "Price above the maximum allowed"
	case errors.Is(err, errIDNotFound):
		return http.StatusUnprocessableEntity, "ID tidak ditemukan"
	case errors.Is(err, errNoCheck):
		return http.StatusServiceUnavailable, "ID check unavailable now, try again later"
	case errors.Is(err, core.ErrUnavailable):
		// Disk full or database read-only: the request was not taken, and may be sent again
		// unchanged (an order under the same referenceNumber) once the operator has acted.
		return http.StatusServiceUnavailable, "Service temporarily unavailable (storage), try again later"
	}
	return http.StatusInternalServerError, "Internal server error"
}

// fail answers err in the envelope. rs is the caller when known, for the log.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, rs *reseller.Reseller, err error) {
	code, msg := refusal(err)
	attrs := []any{"method", r.Method, "path", r.URL.Path, "code", code, "ip", r.RemoteAddr}
	if rs != nil {
		attrs = append(attrs, "reseller", rs.Username)
	}
	if code >= http.StatusInternalServerError {
		h.log.Error("basstore: server error", append(attrs, "err", err)...)
	} else {
		h.log.Debug("basstore: refused", append(attrs, "reason", err.Error())...)
	}
	switch code {
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "1")
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5")
	}
	h.write(w, code, wire.Envelope{Error: true, Code: code, Message: msg})
}

func (h *handler) succeed(w http.ResponseWriter, data any) {
	h.write(w, http.StatusOK, wire.Envelope{Code: http.StatusOK, Message: wire.MessageSuccess, Data: data})
}

func (h *handler) write(w http.ResponseWriter, code int, env wire.Envelope) {
	buf, _ := h.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() { buf.Reset(); h.bufs.Put(buf) }()
	if err := json.NewEncoder(buf).Encode(env); err != nil {
		// Only a bug in a wire type could get here; answer something the client can read.
		buf.Reset()
		buf.WriteString(`{"error":true,"code":500,"message":"Internal server error","data":null}` + "\n")
		code = http.StatusInternalServerError
		h.log.Error("basstore: encode answer", "err", err)
	}
	h.writeEncoded(w, code, buf.Bytes())
}

// encoded is a whole answer, envelope included, ready to write.
type encoded []byte

// encodeSuccess encodes a successful answer whole, for the price-list cache: the same bytes
// succeed would write.
func encodeSuccess(data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(wire.Envelope{Code: http.StatusOK, Message: wire.MessageSuccess, Data: data}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (h *handler) writeEncoded(w http.ResponseWriter, code int, body []byte) {
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}
