package basstore

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// decodeBody reads r's JSON object body into dst (the body is already limited by authed).
// Unknown fields are ignored (clients send extras); a field of the wrong JSON type is refused,
// naming the field.
func (h *handler) decodeBody(r *http.Request, dst any) error {
	dec := json.NewDecoder(r.Body)
	err := dec.Decode(dst)
	if err == nil {
		// One object and nothing after it but whitespace.
		if _, terr := dec.Token(); terr != io.EOF {
			err = errTrailing
		}
	}
	return h.bodyError(err)
}

var errTrailing = errors.New("trailing data")

func (h *handler) bodyError(err error) error {
	if err == nil {
		return nil
	}
	var (
		mbe *http.MaxBytesError
		ute *json.UnmarshalTypeError
		se  *json.SyntaxError
	)
	switch {
	case errors.As(err, &mbe):
		return &tooLarge{limit: mbe.Limit}
	case errors.Is(err, io.EOF):
		return &badRequest{"Invalid request: body must be a JSON object"}
	case errors.As(err, &ute):
		if ute.Field == "" {
			return &badRequest{"Invalid request: body must be a JSON object"}
		}
		return &badRequest{ute.Field + " must be a " + jsonType(ute.Type.Kind().String())}
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, errTrailing):
		return &badRequest{"Invalid request: malformed JSON body"}
	}
	// Anything else from reading the body (a client that went away): still the client's fault,
	// and nothing was done.
	return &badRequest{"Invalid request: unreadable body"}
}

// jsonType names a Go kind as JSON calls it.
func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	}
	return "number"
}
