package member

import (
	"errors"
	"net/http"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/session"
	"github.com/kios-h2h/kios/internal/textcmd"
)

// problem is an error as the member area answers it: an HTTP status, a stable code for programs
// (the JSON API's "code"), and the words key of the text people read, in their language.
type problem struct {
	status int
	code   string
	// field and reason are a FieldError's, shown when its field has no text of its own.
	field, reason string
}

// known are the errors with a text of their own: each "err.<code>" in words.
var known = []Known{
	{session.ErrThrottled, http.StatusTooManyRequests, "throttled"},
	{session.ErrBadLogin, http.StatusUnauthorized, "bad_login"},
	{session.ErrCodeNeeded, http.StatusUnauthorized, "code_needed"},
	{session.ErrBadCode, http.StatusUnauthorized, "bad_code"},
	{errNoAuth, http.StatusUnauthorized, "no_session"},
	{errCSRF, http.StatusForbidden, "csrf"},
	{ErrPasswordAgain, http.StatusForbidden, "password_again"},
	{order.ErrNotFound, http.StatusNotFound, "not_found"},
	{deposit.ErrNotFound, http.StatusNotFound, "not_found"},
	{core.ErrTOTPEnabled, http.StatusConflict, "totp_on"},
	{ErrAllowFull, http.StatusBadRequest, "allow_full"},
	{ErrAllowRange, http.StatusBadRequest, "allow_range"},
	{ErrAllowWide, http.StatusBadRequest, "allow_wide"},
	{ErrCallbackURL, http.StatusBadRequest, "callback_url"},
	{ErrNoCallback, http.StatusBadRequest, "no_callback"},
	{ErrBankUnknown, http.StatusBadRequest, "bank_unknown"},
	{ErrPasswordReused, http.StatusBadRequest, "password_reused"},
	{session.ErrWeakPassword, http.StatusBadRequest, "weak_password"},
	{deposit.ErrAmount, http.StatusBadRequest, "amount"},
	{deposit.ErrTooManyOpen, http.StatusBadRequest, "too_many_open"},
	{deposit.ErrNoFreeAmount, http.StatusBadRequest, "no_free_amount"},
	{payment.ErrUpstream, http.StatusBadGateway, "pay_upstream"},
	{core.ErrGatewayDisabled, http.StatusConflict, "pay_unavailable"},
	{core.ErrNoPublicURL, http.StatusServiceUnavailable, "pay_unavailable"},
	{textcmd.ErrNoBind, http.StatusNotFound, "text_not_bound"},
	{textcmd.ErrPIN, http.StatusBadRequest, "text_pin"},
	{textcmd.ErrChannel, http.StatusBadRequest, "text_identity"},
	{textcmd.ErrID, http.StatusBadRequest, "text_identity"},
	{core.ErrNotBelow, http.StatusForbidden, "not_below"}, // before its parent, ErrNotYourDownline
	{core.ErrNotYourDownline, http.StatusForbidden, "not_your_downline"},
	{core.ErrTransferReference, http.StatusConflict, "transfer_reference"},
	{core.ErrDepthLimit, http.StatusBadRequest, "depth_limit"},
	{core.ErrMarkupAboveMax, http.StatusBadRequest, "markup_above_max"},
	{core.ErrNotDownline, http.StatusBadRequest, "not_downline"},
	{order.ErrInsufficientBalance, http.StatusConflict, "insufficient"},
	{errBadBody, http.StatusBadRequest, "bad_body"},
	{errNoEndpoint, http.StatusNotFound, "no_endpoint"},
}

var (
	errBadBody    = errors.New("body must be a JSON object of the documented fields")
	errNoEndpoint = errors.New("no such endpoint")
)

// describe maps an error to its problem; an unexpected one is a 500 "internal".
func describe(err error) problem {
	status, code, field, reason := Describe(err, known)
	return problem{status: status, code: code, field: field, reason: reason}
}

// text is the problem in a language. A field error reads as its field's own text where the
// member area has one, else as the field and the core's reason.
func (p problem) text(lang string) string {
	if p.code != "field" {
		return tr(lang, "err."+p.code)
	}
	if _, ok := words["err.field."+p.field]; ok {
		return tr(lang, "err.field."+p.field)
	}
	return tr(lang, "err.field") + " " + p.field + ": " + p.reason
}

// errorText is err in a language, for pages and the API alike.
func errorText(lang string, err error) string { return describe(err).text(lang) }
