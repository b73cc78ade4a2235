package storefront

import (
	"errors"
	"net/http"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/checkid"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/member"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/store"
)

// problem is an error as the storefront answers it: an HTTP status, a stable code for programs,
// and the words key ("err.<code>") of the text buyers read.
type problem struct {
	status        int
	code          string
	field, reason string
}

var (
	errBadBody    = errors.New("body must be a JSON object of the documented fields")
	errNoEndpoint = errors.New("no such endpoint")
	errNotOnSale  = errors.New("product not on sale")
	errIDNotFound = errors.New("ID tidak ditemukan")
	errTooFast    = errors.New("too many checkouts; wait a moment")
)

// known are the errors with a text of their own.
var known = []member.Known{
	{Err: store.ErrProductNotFound, Status: http.StatusNotFound, Code: "not_found"},
	{Err: store.ErrVariantNotFound, Status: http.StatusNotFound, Code: "not_found"},
	{Err: store.ErrShopInvoiceNotFound, Status: http.StatusNotFound, Code: "invoice_not_found"},
	{Err: errNotOnSale, Status: http.StatusNotFound, Code: "not_found"},
	{Err: errIDNotFound, Status: http.StatusUnprocessableEntity, Code: "id_not_found"},
	{Err: errTooFast, Status: http.StatusTooManyRequests, Code: "too_fast"},
	{Err: checkid.ErrRateLimited, Status: http.StatusTooManyRequests, Code: "too_fast"},
	{Err: core.ErrShopTooManyUnpaid, Status: http.StatusTooManyRequests, Code: "too_many_unpaid"},
	{Err: catalog.ErrInactive, Status: http.StatusConflict, Code: "unavailable"},
	{Err: catalog.ErrOutOfStock, Status: http.StatusConflict, Code: "unavailable"},
	{Err: catalog.ErrNoPrice, Status: http.StatusConflict, Code: "unavailable"},
	{Err: catalog.ErrCutoff, Status: http.StatusConflict, Code: "cutoff"},
	{Err: payment.ErrUpstream, Status: http.StatusBadGateway, Code: "pay_upstream"},
	{Err: payment.ErrRefused, Status: http.StatusBadGateway, Code: "pay_refused"},
	{Err: core.ErrGatewayDisabled, Status: http.StatusServiceUnavailable, Code: "pay_unavailable"},
	{Err: core.ErrNoPublicURL, Status: http.StatusServiceUnavailable, Code: "pay_unavailable"},
	{Err: errBadBody, Status: http.StatusBadRequest, Code: "bad_body"},
	{Err: errNoEndpoint, Status: http.StatusNotFound, Code: "no_endpoint"},
}

// describe maps an error to its problem; an unexpected one is a 500 "internal".
func describe(err error) problem {
	status, code, field, reason := member.Describe(err, known)
	return problem{status: status, code: code, field: field, reason: reason}
}

// text is the problem in a language; a field error reads as its field's own text.
func (p problem) text(lang string) string {
	if p.code != "field" {
		return tr(lang, "err."+p.code)
	}
	if _, ok := words["err.field."+p.field]; ok {
		return tr(lang, "err.field."+p.field)
	}
	return tr(lang, "err.field") + " " + p.field + ": " + p.reason
}
