// Package order holds the order type and its rules: statuses, invoice numbers, reference
// checks. The transactions that accept, fulfil and settle orders live in package core.
package order

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Status of an order. Pending becomes exactly one of Success or Failed, once.
type Status string

const (
	Pending Status = "Pending"
	Success Status = "Success"
	Failed  Status = "Failed"
)

// Final reports whether the status can no longer change.
func (s Status) Final() bool { return s == Success || s == Failed }

// ParseStatus accepts the status words of both dialects, case-insensitively.
func ParseStatus(s string) (Status, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "pending":
		return Pending, nil
	case "success", "sukses":
		return Success, nil
	case "failed", "gagal":
		return Failed, nil
	}
	return "", errors.New("status must be Pending, Success or Failed")
}

// Order is one purchase by a reseller.
type Order struct {
	ID          int64
	Invoice     string
	ResellerID  int64
	Reference   string // the reseller's own id for the order; unique per reseller
	VariantID   int64
	VariantCode string
	ProductName string // product and variant name, as status-order shows it
	Destination string // game id and zone, phone number, customer number
	Price       int64  // what the reseller pays
	Cost        int64  // what the supplier charged, once known
	Status      Status
	SN          string // serial number from the supplier
	Message     string
	Day         string // Jakarta day of acceptance, for the multi rule
	Multi       bool   // the variant's multi flag when accepted
	Testing     bool   // run on the simulator, no money moved
	StockTaken  bool   // acceptance took a unit of the variant's limited stock; a failure gives it back
	// BillSupplier and BillRef, on a bill's payment, are the supplier the bill was inquired at and
	// the reference it was inquired under there: it is paid there only, under that reference.
	BillSupplier string
	BillRef      string
	// Slot is the reseller's balance slot the order is held in (0: its own accounts; issue 23,
	// ledger.SlotAvailableCode): its settlement moves that slot's money, under that slot's key.
	Slot        int
	Dialect     string // the dialect the order came in by, for callbacks
	CallbackURL string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// InvoiceAlphabet is Crockford's base32 alphabet, an invoice's: no I, L, O, U, so invoices read
// back over the phone. Its characters are in ASCII order (the store's packed invoices rely on it).
const InvoiceAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewInvoice returns an invoice number such as "KIOS-261124-1NQ47Q3M9ZK2": the UTC date, four
// characters of the tenth of a second within that day, then 40 bits from crypto/rand. Time
// first makes invoices sort in the order they were made, so an order's rows go at the end of
// every index keyed by invoice (the invoice's, the ledger's txn) instead of at a random page:
// under load, each group commit then writes a few pages where random keys made it write
// dozens. The random part keeps one invoice from telling the next. Two orders made in the same
// tenth of a second share 2^-40 odds of a clash, which the store resolves by drawing again
// (see store.Tx.OrderInsert).
func NewInvoice(now time.Time) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error()) // never fails on supported platforms
	}
	now = now.UTC()
	out := make([]byte, 0, 24)
	out = append(out, "KIOS-"...)
	out = now.AppendFormat(out, "060102")
	out = append(out, '-')
	// 864,000 tenths of a second in a day fit in four base-32 characters (32^4 = 1,048,576).
	tenths := uint64(now.Sub(now.Truncate(24*time.Hour)) / (100 * time.Millisecond))
	for shift := 15; shift >= 0; shift -= 5 {
		out = append(out, InvoiceAlphabet[(tenths>>uint(shift))&31])
	}
	for _, c := range b {
		out = append(out, InvoiceAlphabet[c&31])
	}
	return string(out)
}

// InvoiceTime returns when an invoice of NewInvoice's form was made, to the tenth of a second
// (false for any other text): what tells an order lookup that finds nothing whether the order
// could have been archived (ArchivedError).
func InvoiceTime(invoice string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(invoice, "KIOS-")
	if !ok || len(rest) != 6+1+4+8 || rest[6] != '-' {
		return time.Time{}, false
	}
	day, err := time.Parse("060102", rest[:6])
	if err != nil {
		return time.Time{}, false
	}
	var tenths int64
	for _, c := range rest[7:11] {
		i := strings.IndexRune(InvoiceAlphabet, c)
		if i < 0 {
			return time.Time{}, false
		}
		tenths = tenths*32 + int64(i)
	}
	if tenths >= 864000 || strings.Trim(rest[11:], InvoiceAlphabet) != "" {
		return time.Time{}, false
	}
	return day.Add(time.Duration(tenths) * 100 * time.Millisecond), true
}

// ArchivedError is an order lookup's answer for an invoice that is not in the live database
// and was made before an archive's cut: the order, if there was one, was archived (kios
// archive). It is also ErrNotFound, so that every caller that answers "not found" still does;
// those that can say more (kios order show, the admin API) say when and where.
type ArchivedError struct {
	Invoice string
	Before  time.Time // the archive's cut
	Target  string    // where it went: "sqlite:FILE", or "drop"
}

func (e *ArchivedError) Error() string {
	where := "to " + e.Target
	if e.Target == "drop" {
		where = "and dropped"
	}
	return fmt.Sprintf("order %s is not in the live database: final orders before %s were archived %s",
		e.Invoice, e.Before.In(wib).Format("2006-01-02 15:04 WIB"), where)
}

// Unwrap makes an ArchivedError both ErrArchived and ErrNotFound.
func (e *ArchivedError) Unwrap() []error { return []error{ErrArchived, ErrNotFound} }

// wib is Jakarta's time, which days are cut in (kios archive --before).
var wib = time.FixedZone("WIB", 7*60*60)

// ErrArchived is what an ArchivedError is.
var ErrArchived = errors.New("order archived")

// Errors of order acceptance. Dialects map each to their own code.
var (
	ErrInsufficientBalance = errors.New("insufficient balance")
	ErrReferenceConflict   = errors.New("reference already used for another order")
	// ErrReferenceArchived is a reference whose order was archived (kios archive): it may not
	// name a new order, since the reseller may be re-sending the archived one.
	ErrReferenceArchived = errors.New("reference used by an archived order")
	ErrMultiRefused      = errors.New("same variant to the same destination already ordered today")
	ErrNotFound          = errors.New("order not found")
	ErrPriceAboveMax     = errors.New("price above max_price")
)

// MaxReferenceLen and MaxDestinationLen bound what a reseller may send.
const (
	MaxReferenceLen   = 64
	MaxDestinationLen = 64
)

// ValidateReference checks a reseller's reference: printable ASCII, no spaces, bounded.
func ValidateReference(ref string) error {
	if ref == "" {
		return errors.New("is required")
	}
	if len(ref) > MaxReferenceLen {
		return errors.New("is longer than 64 characters")
	}
	for i := 0; i < len(ref); i++ {
		if c := ref[i]; c <= ' ' || c > '~' {
			return errors.New("must be printable ASCII without spaces")
		}
	}
	return nil
}

// ValidateDestination checks a destination: a phone number, a game id with zone ("12345678(1234)"
// or "12345678|1234"), a customer number. Printable ASCII, bounded, not blank.
func ValidateDestination(dest string) error {
	if strings.TrimSpace(dest) == "" {
		return errors.New("is required")
	}
	if len(dest) > MaxDestinationLen {
		return errors.New("is longer than 64 characters")
	}
	for i := 0; i < len(dest); i++ {
		if c := dest[i]; c < ' ' || c > '~' {
			return errors.New("must be printable ASCII")
		}
	}
	return nil
}

// ResellerFilter narrows a reseller's list of its orders (the member area, the text channels).
type ResellerFilter struct {
	ResellerID int64
	Search     string // an invoice, reference, destination or SN, exactly
	Status     Status
	From, To   time.Time // created in [From, To); zero means unbounded
	Before     int64     // only orders with a smaller id (paging); 0 for the newest
	Limit      int       // 0 means 50
}

// Count is a number of orders of one product in one status.
type Count struct {
	Product string
	Status  string
	Count   int64
}

// MarginRow is one line of the margin report: successful orders of one Jakarta day, supplier
// and variant.
type MarginRow struct {
	Day         string // Jakarta day the order was accepted
	Supplier    string // "" for orders settled without a supplier attempt
	VariantCode string
	ProductName string
	Orders      int64
	Price       int64 // what resellers paid
	Cost        int64 // what suppliers charged
}

// Margin is Price less Cost.
func (r MarginRow) Margin() int64 { return r.Price - r.Cost }
