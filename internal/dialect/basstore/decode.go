package basstore

import (
	"net/http"
	"strconv"

	"github.com/kios-h2h/kios/internal/dialect/request"
)

// decodeBody reads r's JSON object body into dst, within the body limit. Unknown fields are
// ignored (clients send extras); a field of the wrong JSON type is refused, naming the field. The
// error, a *request.Error, is answered by refusal (bodyRefusal).
func (h *handler) decodeBody(w http.ResponseWriter, r *http.Request, dst any) error {
	return request.Decoder{Accept: request.JSON, MaxBody: h.maxBody}.Decode(w, r, dst)
}

// bodyRefusal is BASSTORE's answer to a body that cannot be read: 413 over the limit, else 400.
func bodyRefusal(e *request.Error) (int, string) {
	switch e.Kind {
	case request.TooLarge:
		return http.StatusRequestEntityTooLarge, "Request body too large (limit " + strconv.FormatInt(e.Limit, 10) + " bytes)"
	case request.Empty, request.NotObject:
		return http.StatusBadRequest, "Invalid request: body must be a JSON object"
	case request.Malformed:
		return http.StatusBadRequest, "Invalid request: malformed JSON body"
	case request.WrongType:
		return http.StatusBadRequest, e.Field + " must be a " + e.Want
	}
	// A client that went away: still the client's fault, and nothing was done.
	return http.StatusBadRequest, "Invalid request: unreadable body"
}
