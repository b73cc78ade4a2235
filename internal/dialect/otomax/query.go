package otomax

import (
	"errors"
	"net/http"
	"net/url"

	wire "github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/dialect/request"
)

// trxQuery is GET /otomax/trx as the shared decoder reads it: the wire's parse (shape, a
// parameter given twice), then this server's bounds.
type trxQuery struct{ wire.Request }

func (q *trxQuery) ReadValues(v url.Values) (err error) {
	if q.Request, err = wire.ParseRequest(v); err != nil {
		return err
	}
	return within(q.Sign, q.MemberID, q.Product, q.PIN, q.Password)
}

// balanceQuery is GET /otomax/balance, read as trxQuery is.
type balanceQuery struct{ wire.BalanceRequest }

func (q *balanceQuery) ReadValues(v url.Values) (err error) {
	if q.BalanceRequest, err = wire.ParseBalanceRequest(v); err != nil {
		return err
	}
	return within(q.Sign, q.MemberID, q.PIN, q.Password)
}

// within checks the bounds of a request's sign and its other fields.
func within(sign string, fields ...string) error {
	if err := bounded(fields...); err != nil {
		return err
	}
	if len(sign) > maxSign {
		return errors.New("sign terlalu panjang")
	}
	return nil
}

// read reads r's query into q. On a malformed request it has answered, naming what is wrong and
// no R# (the request is about no order), and returns false.
func (h *handler) read(w http.ResponseWriter, r *http.Request, q request.ValuesReader) bool {
	err := request.Decoder{Accept: request.Query}.Decode(w, r, q)
	if err == nil {
		return true
	}
	e, ok := errors.AsType[*request.Error](err)
	if !ok {
		h.fault(w, r, err)
		return false
	}
	h.write(w, "GAGAL. Format salah: "+formatReason(e.Unwrap()))
	return false
}
