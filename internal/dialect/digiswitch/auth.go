package digiswitch

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/dialect/request"
	"github.com/kios-h2h/kios/internal/reseller"
)

// decode reads the request body within the limit and parses it, a JSON object, into dst. An
// unreadable or oversized body, fields of the wrong type, malformed JSON and anything but an object
// are rc 40, with the error's text as the message; unknown fields are ignored (clients send extra
// ones). On a type error dst still holds the other fields, for the refusal's echo.
func (h *handler) decode(w http.ResponseWriter, r *http.Request, dst any) error {
	err := request.Decoder{Accept: request.JSON, MaxBody: h.opts.MaxBody, Object: true}.Decode(w, r, dst)
	e, ok := errors.AsType[*request.Error](err)
	if !ok {
		return err
	}
	switch e.Kind {
	case request.TooLarge:
		return fmt.Errorf("Body melebihi %d byte", e.Limit)
	case request.Unreadable:
		return errors.New("Body tidak terbaca")
	case request.Empty, request.NotObject:
		return errors.New("Body harus berupa objek JSON")
	case request.WrongType:
		// This dialect has always named a number field's type "integer".
		want := e.Want
		if want == "number" {
			want = "integer"
		}
		return fmt.Errorf("Field %s harus bertipe %s", e.Field, want)
	}
	return errors.New("JSON tidak valid")
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

// checkOrder is the order of the checks after the username: the sign first, then the caller's IP,
// the account's status and the rate limit (see the package comment).
var checkOrder = [4]flazzserver.Check{flazzserver.Sign, flazzserver.IP, flazzserver.Active, flazzserver.Rate}

// authenticate finds the reseller and runs the checks, the sign's for suffix. On failure it has
// answered, echoing echo, and returns nil.
func (h *handler) authenticate(w http.ResponseWriter, r *http.Request, username, sign, suffix string, echo ds.ErrorData) *reseller.Reseller {
	res, f, err := h.auth.Authenticate(r.Context(), r, username, strings.TrimSpace(sign), suffix)
	if err != nil {
		h.fail(w, r, echo, err)
		return nil
	}
	if f == nil {
		return res
	}
	// An unknown username, a wrong sign and a wrong IP are answered alike (see Failure.Denied).
	msg := "Terlalu banyak permintaan; perlambat"
	switch {
	case f.Denied():
		msg = "Signature salah"
	case f.Check == flazzserver.Active:
		msg = "Akun dinonaktifkan (suspended); hubungi admin"
	}
	h.refuse(w, echo, f.RC(), msg)
	return nil
}
