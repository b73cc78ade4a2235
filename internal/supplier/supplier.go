// Package supplier defines how Kios buys from upstream: the Supplier interface that every
// connector (the built-in simulator, and clients of each dialect) implements, and the outcome
// types that tell a definite answer from an unknown one.
//
// The one rule every connector and caller keeps: after a Purchase whose outcome is unknown (a
// timeout after sending, a reset connection, a 5xx, an unparseable body), the same reference is
// never bought again anywhere; Kios asks the same supplier for its Status until the answer is
// definite. That is how a product is never bought twice.
package supplier

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"time"
)

// State of an upstream purchase.
type State string

const (
	Success State = "success"
	Failed  State = "failed"  // a definite refusal: nothing was bought, another supplier may be tried
	Pending State = "pending" // accepted upstream, not final yet: ask Status later
	Unknown State = "unknown" // the outcome could not be learnt: ask Status later, never re-buy
)

// Request is one purchase as sent upstream.
type Request struct {
	Reference   string // Kios's own reference upstream (unique per attempt)
	SKU         string // the supplier's product code
	Destination string
	MaxPrice    int64     // 0: no limit
	SentAt      time.Time // when the attempt was first recorded
	// UpstreamRef is the supplier's own id for this purchase, when an earlier answer gave one
	// (BASSTORE's invoice number); Status needs it where the supplier looks orders up by it.
	UpstreamRef string
	// BillRef, set when the purchase pays a bill, is the reference the bill was inquired under at
	// this supplier (BillRequest.Reference): a biller that pays under the inquiry's reference
	// (Digiflazz's and Digiswitch's pay-pasca) pays, and reports status, under it.
	BillRef string
}

// Result is what a supplier answered.
type Result struct {
	State   State
	SN      string
	Cost    int64 // what the supplier charged, when it says
	Message string
	Raw     string // the upstream answer, kept with the order for support
	// UpstreamRef is the supplier's own id for the purchase, when it gave one.
	UpstreamRef string
	// Unreachable marks a Failed result because the supplier could not be reached at all (the
	// request provably never left, e.g. connection refused): safe to try the next supplier, and
	// counted against the supplier's health. From Status it proves nothing about the purchase
	// asked after, so the core takes it as an unknown outcome and asks again later.
	Unreachable bool
	// Customer marks a Failed answer caused by the order itself — a wrong or blocked number, one
	// of another operator, too many digits, the multi rule — not by the supplier: routing does not
	// count it against the supplier's SKU (a reseller sending bad numbers must not demote a
	// healthy supplier for everyone).
	Customer bool
}

// Supplier is an upstream seller.
type Supplier interface {
	// Name identifies the supplier in logs and records.
	Name() string
	// Purchase buys. A returned error means the outcome is unknown (State Unknown is implied).
	Purchase(ctx context.Context, req Request) (Result, error)
	// Status asks for the outcome of an earlier Purchase of the same Request (same Reference).
	Status(ctx context.Context, req Request) (Result, error)
}

// Starter is a supplier that can send a purchase without a goroutine waiting for its answer:
// StartPurchase returns at once and calls done exactly once, later, with what Purchase would
// have returned (the answer, or an error when ctx ended first: outcome unknown). A request in
// flight then costs its few objects, not a goroutine and its stack: the built-in simulator is
// one. The fulfilment dispatcher uses it when a supplier has it, Purchase otherwise.
type Starter interface {
	StartPurchase(ctx context.Context, req Request, done func(Result, error))
}

// ErrUnknownOutcome marks an error after which a purchase may or may not have happened.
var ErrUnknownOutcome = errors.New("upstream outcome unknown")

// NotSent reports an error that proves a request never reached the upstream: the connection
// could not even be made (refused, no route, no such host). Whatever a client calls it, a
// purchase so stopped may go to the next supplier.
func NotSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// Item is one product in a supplier's catalog, as its price list gives it.
type Item struct {
	Code        string // the supplier's SKU code
	Name        string
	ProductCode string // the brand or game it belongs to, as a code
	ProductName string
	Category    string
	Kind        string // "prepaid" or "postpaid"
	Cost        int64  // what the supplier charges Kios; 0 for postpaid, where each bill has its own
	Active      bool
	// Admin and Commission are a postpaid product's fee added to each bill and the part of it
	// left to the buyer.
	Admin, Commission int64
}

// Cataloger is a supplier that can list what it sells (catalog sync).
type Cataloger interface {
	Catalog(ctx context.Context) ([]Item, error)
}

// KindCataloger is a Cataloger that can fetch one kind of list alone ("prepaid" or "postpaid"):
// against an upstream that allows one full list per few minutes, an operator can then sync the
// other kind later without the first.
type KindCataloger interface {
	CatalogKind(ctx context.Context, kind string) ([]Item, error)
}

// Balancer is a supplier that can tell Kios's balance there.
type Balancer interface {
	Balance(ctx context.Context) (int64, error)
}

// CallbackReader is a supplier that pushes outcomes to Kios at POST /callback/{name}.
type CallbackReader interface {
	// ReadCallback checks the callback's signature and reads which of Kios's references it is
	// about and the outcome. A bad signature is ErrBadSignature.
	ReadCallback(h http.Header, body []byte) (ref string, res Result, err error)
}

// QueryCallbackReader is a supplier that reports outcomes by GET at /callback/{name}, in the
// query (an Otomax/IRS center's report-back).
type QueryCallbackReader interface {
	// ReadCallbackQuery checks the report's key and reads which of Kios's references it is about
	// and the outcome. A missing or wrong key is ErrBadSignature.
	ReadCallbackQuery(q url.Values) (ref string, res Result, err error)
}

// ErrBadSignature is returned for a callback whose signature does not verify.
var ErrBadSignature = errors.New("callback signature does not verify")
