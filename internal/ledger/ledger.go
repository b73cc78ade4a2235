// Package ledger holds the double-entry model Kios moves money with: accounts, postings and the
// invariants `kios ledger check` verifies. Every rupiah moves as a posting from one account to
// another inside the same database transaction as the change that causes it; an account's balance
// is a cached sum of its postings, kept so that "never negative" is one conditional UPDATE.
package ledger

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxAmount bounds one posting: a quadrillion rupiah, far above any real payment, and small
// enough that no realistic number of postings can carry an int64 balance out of range (SQLite
// would silently turn an overflowing integer into a float).
const MaxAmount int64 = 1_000_000_000_000_000

// Kind is what an account stands for.
type Kind string

const (
	// Available is a reseller's spendable balance: what /api/v1/balance shows.
	Available Kind = "available"
	// Held is money set aside for a reseller's pending orders.
	Held Kind = "held"
	// Revenue collects the price of delivered orders.
	Revenue Kind = "revenue"
	// Deposits is the counterpart of every deposit credited to resellers (money received from
	// outside). It runs negative by design: its magnitude is what resellers have paid in.
	Deposits Kind = "deposits"
	// SupplierDeposit is the money Kios keeps at an upstream supplier.
	SupplierDeposit Kind = "supplier"
	// Cost collects what upstream suppliers charged for delivered orders.
	Cost Kind = "cost"
	// Fees collects what payment gateways kept of deposits paid through them.
	Fees Kind = "fees"
	// RefundsOwed is money storefront buyers paid for orders that failed: owed back to them
	// until the operator refunds it.
	RefundsOwed Kind = "refunds_owed"
	// Commission collects what an upline earned on its downlines' orders (issue 21), until it
	// is exchanged into its available balance: at once by default, by TUKAR with the operator's
	// commission: accrue.
	Commission Kind = "commission"
	// Transit holds what uplines have sent their downlines and the downlines have not yet been
	// credited (issue 21, transfers down the tree): each transfer is debited under the upline's
	// lock key and credited under the downline's, so for a moment it is in neither's balance.
	Transit Kind = "transit"
)

// Account is one ledger account. Balance equals the sum of postings into it minus the sum of
// postings out of it.
type Account struct {
	ID            int64
	Code          string
	Kind          Kind
	ResellerID    int64 // 0 for system accounts
	Balance       int64
	AllowNegative bool
}

// Posting moves Amount (always > 0) from Source to Destination.
type Posting struct {
	ID          int64
	Txn         string // groups postings of one business event, e.g. "hold:INV..."
	Source      int64
	Destination int64
	Amount      int64
	Memo        string
	CreatedAt   int64 // unix microseconds
	SourceCode  string
	DestCode    string
}

// Codes of the system accounts and of a reseller's accounts.
const (
	RevenueCode  = "revenue"
	DepositsCode = "deposits"
	CostCode     = "cost"
	FeesCode     = "payment_fees"
	// ShopReceiptsCode is the counterpart of storefront buyers' payments (money received from
	// outside, of kind Deposits: it runs negative); RefundsOwedCode holds what failed ones are owed.
	ShopReceiptsCode = "shop_receipts"
	RefundsOwedCode  = "shop_refunds_owed"
	// CheckFeesCode is what the game-ID check providers charged (issue 19), of kind Fees.
	CheckFeesCode = "checkid_fees"
	// TransitCode is the one account of kind Transit.
	TransitCode = "downline_transit"
)

// CheckProviderCode is Kios's deposit at a check-ID provider (kind SupplierDeposit: it runs
// negative until the operator records what was paid in), named by the provider's name.
func CheckProviderCode(name string) string { return "checkid:" + name }

// NeverNegative reports whether an account of kind must never be below zero even though it may
// be at the row level (allow_negative, so that its debits can wait for the batch's end): the
// commission and transit accounts. The ledger check reports one below zero.
func NeverNegative(kind Kind) bool { return kind == Commission || kind == Transit }

// AvailableCode is a reseller's spendable account.
func AvailableCode(resellerID int64) string { return fmt.Sprintf("reseller:%d:available", resellerID) }

// HeldCode is a reseller's holds account.
func HeldCode(resellerID int64) string { return fmt.Sprintf("reseller:%d:held", resellerID) }

// SlotAvailableCode is a reseller's spendable account of balance slot slot (issue 23, a hot
// reseller's balance split into lock domains); slot 0 is AvailableCode.
func SlotAvailableCode(resellerID int64, slot int) string {
	if slot == 0 {
		return AvailableCode(resellerID)
	}
	return fmt.Sprintf("reseller:%d:available:%d", resellerID, slot)
}

// SlotHeldCode is a reseller's holds account of balance slot slot; slot 0 is HeldCode.
func SlotHeldCode(resellerID int64, slot int) string {
	if slot == 0 {
		return HeldCode(resellerID)
	}
	return fmt.Sprintf("reseller:%d:held:%d", resellerID, slot)
}

// MaxSlots bounds a reseller's balance slots: more than the write loops of every node at once
// buys nothing, and each slot is two accounts the ledger check and a gather walk.
const MaxSlots = 64

// SupplierCode is Kios's deposit at a supplier.
func SupplierCode(supplierID int64) string { return fmt.Sprintf("supplier:%d", supplierID) }

// Discrepancy is one failed invariant found by a ledger check.
type Discrepancy struct {
	Account string
	Problem string
}

func (d Discrepancy) String() string { return d.Account + ": " + d.Problem }

// Report is the outcome of a ledger check.
type Report struct {
	Accounts      int
	Postings      int64
	Orders        int64 // orders whose postings were checked
	Discrepancies []Discrepancy
}

// OK reports whether every invariant holds.
func (r Report) OK() bool { return len(r.Discrepancies) == 0 }

// FormatRupiah writes an amount as people read it in Indonesia: "Rp 1.000.000", "-Rp 5.000".
func FormatRupiah(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-Rp " + b.String()
	}
	return "Rp " + b.String()
}

// OrderPosting is what one of an order's postings does. The store keys an order's postings by
// (order id, OrderPosting) rather than by a txn text, which cost each posting its invoice twice
// (in the row and in the txn index; issue 22). The values are stored: never renumber them. Hold
// and Capture, the two every settled order has, are 0 and 1, which SQLite stores in no bytes.
type OrderPosting uint8

// The kinds of an order's postings.
const (
	PostHold       OrderPosting = 0 // available → held, at acceptance
	PostCapture    OrderPosting = 1 // held → revenue (the center's price), at success
	PostRelease    OrderPosting = 2 // held → available, at failure
	PostCost       OrderPosting = 3 // a supplier's deposit → cost, what the supplier charged
	PostCommission OrderPosting = 4 // held → an upline's commission account, one per upline
)

// OrderPostings lists every OrderPosting.
var OrderPostings = []OrderPosting{PostHold, PostCapture, PostRelease, PostCost, PostCommission}

func (k OrderPosting) String() string {
	switch k {
	case PostHold:
		return "hold"
	case PostCapture:
		return "capture"
	case PostRelease:
		return "release"
	case PostCost:
		return "cost"
	case PostCommission:
		return "commission"
	}
	return fmt.Sprintf("kind%d", uint8(k))
}

// OrderTxn is the txn an order's posting is shown under: "order:INVOICE:hold" and so on.
func OrderTxn(invoice string, k OrderPosting) string { return "order:" + invoice + ":" + k.String() }

// ParseOrderTxn is OrderTxn's inverse; ok is false for any other txn.
func ParseOrderTxn(txn string) (invoice string, k OrderPosting, ok bool) {
	rest, found := strings.CutPrefix(txn, "order:")
	i := strings.LastIndexByte(rest, ':')
	if !found || i <= 0 {
		return "", 0, false
	}
	for _, k := range OrderPostings {
		if rest[i+1:] == k.String() {
			return rest[:i], k, true
		}
	}
	return "", 0, false
}

// OrderMemo is the memo an order's posting of kind k carries unless it was given another; the
// store keeps an empty memo for it and shows this one. A cost's memo names its supplier, so it
// is always kept.
func OrderMemo(k OrderPosting, invoice string) string {
	switch k {
	case PostHold:
		return "hold for " + invoice
	case PostCapture:
		return "capture " + invoice
	case PostRelease:
		return "refund " + invoice
	case PostCommission:
		return "commission on " + invoice
	}
	return ""
}
