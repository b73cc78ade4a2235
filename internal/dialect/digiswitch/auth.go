package digiswitch

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/reseller"
)

// readBody reads the request body within the limit; false (having answered rc 40) on failure.
func (h *handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		msg := "Body tidak terbaca"
		if errors.As(err, &tooBig) {
			msg = fmt.Sprintf("Body melebihi %d byte", tooBig.Limit)
		}
		h.refuse(w, ds.ErrorData{}, ds.RCPayload, msg)
		return nil, false
	}
	return body, true
}

// decode parses a JSON object body into dst. Fields of the wrong type, malformed JSON and
// anything but an object are rc 40; unknown fields are ignored (clients send extra ones). On a
// type error dst still holds the other fields, for the refusal's echo.
func decode(body []byte, dst any) error {
	trimmed := strings.TrimSpace(string(body))
	if !strings.HasPrefix(trimmed, "{") {
		return errors.New("Body harus berupa objek JSON")
	}
	err := json.Unmarshal(body, dst)
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &typeErr) && typeErr.Field != "":
		// Field is a path through embedded structs ("TransactionRequest.ref_id"); requests are flat.
		field := typeErr.Field[strings.LastIndexByte(typeErr.Field, '.')+1:]
		return fmt.Errorf("Field %s harus bertipe %s", field, jsonType(typeErr.Type.Kind().String()))
	default:
		return errors.New("JSON tidak valid")
	}
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "integer"
	}
	return kind
}

// required returns an error naming the first empty field, in the order given (name, value pairs).
func required(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			return fmt.Errorf("Field %s wajib diisi", pairs[i])
		}
	}
	return nil
}

// authenticate finds the reseller, checks its sign for suffix in constant time, the caller's IP,
// the account's status and the rate limit. On failure it has answered, echoing echo, and returns
// nil.
func (h *handler) authenticate(w http.ResponseWriter, r *http.Request, username, sign, suffix string, echo ds.ErrorData) *reseller.Reseller {
	res, err := h.svc.Reseller(r.Context(), username)
	if errors.Is(err, reseller.ErrNotFound) {
		h.refuse(w, echo, ds.RCUsername, "Username tidak dikenal")
		return nil
	}
	if err != nil {
		h.fail(w, r, echo, err)
		return nil
	}
	want := ds.Sign(res.Username, res.APIKey, suffix)
	// An account without an api key (made outside Kios) must not accept md5(username+suffix).
	if res.APIKey == "" || subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(strings.TrimSpace(sign)))) != 1 {
		h.refuse(w, echo, ds.RCSign, "Signature salah")
		return nil
	}
	if ip := h.opts.Guard.ClientIP(r); !res.Allows(ip) {
		h.refuse(w, echo, ds.RCIP, "IP "+ip.String()+" tidak diizinkan untuk akun ini")
		return nil
	}
	if res.Status != reseller.Active {
		h.refuse(w, echo, ds.RCUsername, "Akun dinonaktifkan (suspended); hubungi admin")
		return nil
	}
	if !h.opts.Guard.Allow(res.ID) {
		h.refuse(w, echo, ds.RCTooFast, "Terlalu banyak permintaan; perlambat")
		return nil
	}
	return res
}
