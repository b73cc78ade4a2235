// Package verdict holds, per upstream dialect, what each answer means for the purchase it is
// about: one table for the Digiflazz family (Digiflazz and Digiswitch share one rc table) and one
// for BASSTORE's HTTP codes. Each row says what the answer means to a purchase and what it means
// to a status check, because the two differ: a status check is the same request sent again, and a
// refusal of that re-send (insufficient balance, rate limit, a product gone inactive since) says
// nothing about the purchase sent before it. docs/RELIABILITY.md shows the same tables.
//
// The connectors are the only users; the tables live apart from them so that one place answers
// "is this answer definite?", and so that their tests can walk every row.
package verdict

// Verdict is what an answer means for one purchase.
type Verdict int

const (
	// Unknown: the purchase may or may not have happened; ask again, never buy elsewhere.
	Unknown Verdict = iota
	// Pending: the upstream holds the purchase and has not finished it.
	Pending
	// Success: bought.
	Success
	// Failed: definitely not bought (or bought and refunded upstream); another supplier may try.
	Failed
	// Unusable: definitely not bought, and the refusal is one the supplier gives every order for
	// now (credentials, IP, deposit): Failed with supplier.Result.Unreachable set.
	Unusable
)

func (v Verdict) String() string {
	switch v {
	case Pending:
		return "pending"
	case Success:
		return "success"
	case Failed:
		return "failed"
	case Unusable:
		return "failed, unreachable"
	}
	return "unknown"
}

// Rule is one row of a table.
type Rule struct {
	Purchase Verdict // the answer to a purchase
	Status   Verdict // the answer to a status check (for a re-send dialect: the same request again)
	Meaning  string
}

// Of is the verdict of a rule for a purchase (status false) or a status check.
func (r Rule) Of(status bool) Verdict {
	if status {
		return r.Status
	}
	return r.Purchase
}

// Flazz is the Digiflazz family's rc table as a buyer reads it. On a status check, the refusals
// of the request or of the account (payload, signature, username, balance, IP, rate: an upstream
// may check them before it looks the ref_id up) and the refusals only a re-send can get (the multi
// rule, max_price, a bill already paid — by the purchase asked after, perhaps) are Unknown. The
// reasons a transaction itself fails for (02, a biller timeout, a wrong number, the product gone,
// cut-off, stock, and any rc not listed) stay definite, or an upstream that reports a failed
// transaction with its reason would hold the order for ever.
var Flazz = map[string]Rule{
	"00": {Success, Success, "success"},
	"01": {Failed, Failed, "timeout at the biller; nothing was charged"},
	"02": {Failed, Failed, "transaction failed"},
	"03": {Pending, Pending, "in process"},
	"99": {Pending, Pending, "router issue, still in process"},
	"40": {Unusable, Unknown, "payload error"},
	"41": {Unusable, Unknown, "invalid signature"},
	"42": {Unusable, Unknown, "unknown username"},
	"43": {Failed, Failed, "product not found or inactive"},
	"44": {Unusable, Unknown, "insufficient balance"},
	"45": {Unusable, Unknown, "IP not allowed"},
	"49": {Unknown, Unknown, "ref_id already used for another transaction: something exists under it"},
	"50": {Unknown, Unknown, "transaction not found: not an answer to a transaction"},
	"54": {Failed, Failed, "wrong destination number"},
	"58": {Failed, Failed, "cut-off in progress"},
	"60": {Failed, Unknown, "bill not available or already paid"},
	"63": {Failed, Unknown, "same product to the same destination today"},
	"64": {Unknown, Unknown, "deposit ticket refused: not an answer to a transaction"},
	"68": {Failed, Failed, "out of stock"},
	"69": {Failed, Unknown, "price above max_price"},
	"83": {Unknown, Unknown, "price list asked too often: not an answer to a transaction"},
	"85": {Unknown, Unknown, "rate limited: the purchase may have been recorded first"},
}

// FlazzCustomer lists the failure rcs of the Digiflazz family caused by the order itself, not
// the supplier: number blocked (51), prefix of another operator (52), wrong number (54), digits
// too few or too many (57), outside the served region (59), same product to the same number
// today (63).
var FlazzCustomer = map[string]bool{"51": true, "52": true, "54": true, "57": true, "59": true, "63": true}

// FlazzUnlisted is the rule of an rc not in Flazz: the family's rule, anything but success and
// pending is a failure (Digiflazz itself has more failure reasons than Kios's table).
var FlazzUnlisted = Rule{Failed, Failed, "any other rc"}

// FlazzRC is the verdict of rc. An empty rc is no answer at all: Unknown.
func FlazzRC(rc string, status bool) Verdict {
	if rc == "" {
		return Unknown
	}
	r, ok := Flazz[rc]
	if !ok {
		r = FlazzUnlisted
	}
	return r.Of(status)
}

// FlazzHTTP is the rule of an HTTP 4xx answer without an rc: the dialect answers everything with
// 200, so a bare 4xx comes from something in front of it (a proxy, a rate limiter), and whether
// the API saw the request is not known.
var FlazzHTTP = Rule{Unknown, Unknown, "HTTP 4xx without an rc, 5xx, an unreadable body, a timeout or reset"}

// Basstore is BASSTORE's table of the order call's HTTP codes (a 200 carries the upstream's
// invoice: Pending, asked after with status-order). The status column is for the order sent again
// under the same referenceNumber when its first answer was lost, which BASSTORE answers with the
// first order's invoice; status-order itself is definite only by its statusCode.
var Basstore = map[int]Rule{
	200: {Pending, Pending, "accepted: the invoice number is the upstream's id"},
	400: {Failed, Failed, "bad request (a field missing)"},
	401: {Unusable, Unknown, "bad token"},
	402: {Unusable, Unknown, "insufficient balance"},
	403: {Unusable, Unknown, "forbidden (IP)"},
	404: {Failed, Failed, "variant not found"},
	405: {Failed, Failed, "method not allowed"},
	409: {Unknown, Unknown, "referenceNumber used for another order: something exists under it"},
	413: {Failed, Failed, "body too large"},
	422: {Failed, Failed, "variant inactive or data refused"},
	429: {Unknown, Unknown, "rate limited: the order may have been recorded first"},
}

// BasstoreUnlisted is the rule of a 4xx not in Basstore (408, 425, …): not an answer Kios can read.
var BasstoreUnlisted = Rule{Unknown, Unknown, "any other 4xx, a 5xx, an unreadable body, a timeout or reset"}

// BasstoreHTTP is the verdict of an order call's HTTP code.
func BasstoreHTTP(code int, status bool) Verdict {
	r, ok := Basstore[code]
	if !ok {
		r = BasstoreUnlisted
	}
	return r.Of(status)
}

// BasstoreStatus maps status-order's statusCode; any word but the three is Unknown.
var BasstoreStatus = map[string]Verdict{
	"Pending": Pending,
	"Success": Success,
	"Failed":  Failed,
}
