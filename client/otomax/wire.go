package otomax

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Paths of the dialect under a center's base URL.
const (
	PathTrx     = "/trx"
	PathBalance = "/balance"
)

// Request is a transaction (or, with Check, its status check) as the query string carries it.
type Request struct {
	MemberID string
	Product  string
	Dest     string
	RefID    string
	Qty      int // 0: not sent (one unit); the amount for an open-denomination product
	Sign     string
	Check    bool
	// PIN and Password travel in the query only to centers that allow plain credentials; empty
	// means not sent.
	PIN      string
	Password string
}

// Query is the request's query string, in the order Otomax centers document it.
func (r Request) Query() url.Values {
	q := url.Values{}
	q.Set("memberID", r.MemberID)
	q.Set("product", r.Product)
	if r.Qty > 0 {
		q.Set("qty", strconv.Itoa(r.Qty))
	}
	q.Set("dest", r.Dest)
	q.Set("refID", r.RefID)
	if r.PIN != "" {
		q.Set("pin", r.PIN)
	}
	if r.Password != "" {
		q.Set("password", r.Password)
	}
	if r.Sign != "" {
		q.Set("sign", r.Sign)
	}
	if r.Check {
		q.Set("check", "1")
	}
	return q
}

// maxQty bounds qty, which is a count for most products and the amount for open-denomination
// ones (e-wallet top-ups, bank transfers).
const maxQty = 100_000_000

// Errors of ParseRequest and ParseReport: the request is malformed, whatever its credentials.
var (
	ErrMissing = errors.New("otomax: a required parameter is missing")
	ErrInvalid = errors.New("otomax: a parameter is invalid")
)

// get reads a parameter by its documented name, or by the same name in another case (centers'
// manuals spell refID as refid and memberID as memberid), refusing one given twice: two values
// would let the sign cover one and the order use the other.
func get(q url.Values, name string) (string, error) {
	var vals []string
	for k, v := range q {
		if strings.EqualFold(k, name) {
			vals = append(vals, v...)
		}
	}
	switch len(vals) {
	case 0:
		return "", nil
	case 1:
		return vals[0], nil
	}
	return "", fmt.Errorf("%w: %s given %d times", ErrInvalid, name, len(vals))
}

// ParseRequest reads a transaction or status check from a query string. It checks shape only
// (required fields, qty, control characters); the sign is checked by the caller, who knows the
// member's PIN and password.
func ParseRequest(q url.Values) (Request, error) {
	var r Request
	fields := []struct {
		name     string
		dst      *string
		required bool
	}{
		{"memberID", &r.MemberID, true}, {"product", &r.Product, true}, {"dest", &r.Dest, true},
		{"refID", &r.RefID, true}, {"sign", &r.Sign, false}, {"pin", &r.PIN, false}, {"password", &r.Password, false},
	}
	for _, f := range fields {
		v, err := field(q, f.name, f.required)
		if err != nil {
			return Request{}, err
		}
		*f.dst = v
	}
	if r.Sign == "" && r.PIN == "" {
		return Request{}, fmt.Errorf("%w: sign (or pin where plain credentials are allowed)", ErrMissing)
	}
	qty, err := get(q, "qty")
	if err != nil {
		return Request{}, err
	}
	if qty != "" {
		n, err := strconv.Atoi(qty)
		if err != nil || n < 1 || n > maxQty {
			return Request{}, fmt.Errorf("%w: qty %q", ErrInvalid, qty)
		}
		r.Qty = n
	}
	check, err := get(q, "check")
	if err != nil {
		return Request{}, err
	}
	switch check {
	case "", "0":
	case "1":
		r.Check = true
	default:
		return Request{}, fmt.Errorf("%w: check %q", ErrInvalid, check)
	}
	return r, nil
}

// BalanceRequest is a balance query.
type BalanceRequest struct {
	MemberID string
	Sign     string
	// PIN and Password, as in Request: sent only to centers that allow plain credentials.
	PIN      string
	Password string
}

// Query is the balance request's query string.
func (b BalanceRequest) Query() url.Values {
	q := url.Values{"memberID": {b.MemberID}}
	if b.PIN != "" {
		q.Set("pin", b.PIN)
	}
	if b.Password != "" {
		q.Set("password", b.Password)
	}
	if b.Sign != "" {
		q.Set("sign", b.Sign)
	}
	return q
}

// ParseBalanceRequest reads a balance query, checking its shape as ParseRequest does.
func ParseBalanceRequest(q url.Values) (BalanceRequest, error) {
	var b BalanceRequest
	for _, f := range []struct {
		name     string
		dst      *string
		required bool
	}{{"memberID", &b.MemberID, true}, {"sign", &b.Sign, false}, {"pin", &b.PIN, false}, {"password", &b.Password, false}} {
		v, err := field(q, f.name, f.required)
		if err != nil {
			return BalanceRequest{}, err
		}
		*f.dst = v
	}
	if b.Sign == "" && b.PIN == "" {
		return BalanceRequest{}, fmt.Errorf("%w: sign (or pin where plain credentials are allowed)", ErrMissing)
	}
	return b, nil
}

// field reads one parameter: once at most, no control characters, trimmed, present if required.
func field(q url.Values, name string, required bool) (string, error) {
	v, err := get(q, name)
	if err != nil {
		return "", err
	}
	if strings.ContainsFunc(v, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
		return "", fmt.Errorf("%w: %s holds a control character", ErrInvalid, name)
	}
	v = strings.TrimSpace(v)
	if v == "" && required {
		return "", fmt.Errorf("%w: %s", ErrMissing, name)
	}
	return v, nil
}

// Report-back status codes.
const (
	ReportSuccess = 1
	ReportFailed  = 2
)

// Report is what a center sends, by GET, to the downline's report-back URL at a transaction's
// final state.
type Report struct {
	ServerID   string // the center's transaction id
	ClientID   string // the downline's refID
	StatusCode int    // ReportSuccess or ReportFailed
	KP         string // product code
	MSISDN     string // destination
	SN         string // serial number / token; empty on failure
	Msg        string // the reply text
}

// Query is the report's query string.
func (r Report) Query() url.Values {
	return url.Values{
		"serverid": {r.ServerID}, "clientid": {r.ClientID}, "statuscode": {strconv.Itoa(r.StatusCode)},
		"kp": {r.KP}, "msisdn": {r.MSISDN}, "sn": {r.SN}, "msg": {r.Msg},
	}
}

// URL appends the report to a report-back URL, keeping the query the downline put in it.
func (r Report) URL(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("otomax report URL: %w", err)
	}
	q := u.Query()
	for k, v := range r.Query() {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// ParseReport reads a report-back query. A statuscode other than 1 or 2, or a report without
// clientid, is refused: it names no outcome of a known transaction.
func ParseReport(q url.Values) (Report, error) {
	var r Report
	for name, dst := range map[string]*string{"serverid": &r.ServerID, "clientid": &r.ClientID, "kp": &r.KP,
		"msisdn": &r.MSISDN, "sn": &r.SN, "msg": &r.Msg} {
		v, err := get(q, name)
		if err != nil {
			return Report{}, err
		}
		*dst = strings.TrimSpace(v)
	}
	if r.ClientID == "" {
		return Report{}, fmt.Errorf("%w: clientid", ErrMissing)
	}
	code, err := get(q, "statuscode")
	if err != nil {
		return Report{}, err
	}
	switch strings.TrimSpace(code) {
	case "1":
		r.StatusCode = ReportSuccess
	case "2":
		r.StatusCode = ReportFailed
	case "":
		return Report{}, fmt.Errorf("%w: statuscode", ErrMissing)
	default:
		return Report{}, fmt.Errorf("%w: statuscode %q", ErrInvalid, code)
	}
	return r, nil
}
