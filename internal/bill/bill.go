// Package bill holds postpaid bill inquiries: what a biller reported for a customer, the prices
// Kios quoted on it, and the rules for paying it. Inquiring charges nothing; paying is an order
// (package core) of the inquired price, made with the inquiry's reference on the same Jakarta day.
package bill

import (
	"encoding/json"
	"errors"
	"time"
)

// Inquiry is one postpaid inquiry by a reseller.
type Inquiry struct {
	ID           int64
	ResellerID   int64
	Reference    string // the reseller's ref_id; the payment's order has the same reference
	VariantID    int64
	VariantCode  string
	CustomerNo   string
	CustomerName string
	Day          string // Jakarta day of the inquiry; payment must happen the same day
	Sheets       int
	Amount       int64 // the bill, without penalty or admin
	Penalty      int64
	Admin        int64 // total admin fee (per sheet times sheets)
	Commission   int64 // total commission left to the reseller
	Price        int64 // what the reseller pays: Amount + Penalty + Admin − Commission
	SellingPrice int64 // what the reseller may charge its customer: Amount + Penalty + Admin
	Desc         json.RawMessage
	PaidDesc     json.RawMessage // the detail once paid; empty means Desc
	Testing      bool
	OrderID      int64 // the payment's order, 0 until paid
	// Supplier is the biller the bill was looked up at, and UpstreamRef the reference it was looked
	// up under there (unique across Kios): the bill is paid there, under that reference.
	Supplier    string
	UpstreamRef string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Prices computes the quote for a bill: admin and commission are charged per sheet (month), the
// way billers charge them.
func Prices(amount, penalty int64, sheets int, adminPerSheet, commissionPerSheet int64) (admin, commission, price, selling int64) {
	if sheets < 1 {
		sheets = 1
	}
	admin = adminPerSheet * int64(sheets)
	commission = commissionPerSheet * int64(sheets)
	selling = amount + penalty + admin
	price = selling - commission
	if price < 0 {
		price = 0
	}
	return admin, commission, price, selling
}

// DescFor returns the detail to show: the paid one once the payment succeeded.
func (q *Inquiry) DescFor(paid bool) json.RawMessage {
	if paid && len(q.PaidDesc) > 0 {
		return q.PaidDesc
	}
	if len(q.Desc) == 0 {
		return json.RawMessage("{}")
	}
	return q.Desc
}

// PaidKey is the slot a paid bill takes in the multi guard: one payment per product, customer
// and Jakarta month, so the same bill is never paid twice through Kios.
func PaidKey(day string) string {
	if len(day) >= 7 {
		return "bill:" + day[:7]
	}
	return "bill:" + day
}

// Errors of inquiries and payments.
var (
	// ErrUnavailable: no unpaid bill (none, or already paid this month), or no biller for it.
	ErrUnavailable = errors.New("bill not available or already paid")
	// ErrNotInquired: pay or status without an inquiry under that reference.
	ErrNotInquired = errors.New("no inquiry with this reference")
	// ErrExpired: the inquiry was made on another Jakarta day; inquire again.
	ErrExpired = errors.New("inquiry was made on another day; inquire again")
	// ErrNotPaid: status of an inquiry that was never paid.
	ErrNotPaid = errors.New("bill inquired but not paid")
	// ErrBillerDown: the biller did not answer; nothing was charged.
	ErrBillerDown = errors.New("biller did not answer")
	// ErrCustomer: the customer number is not one the biller knows.
	ErrCustomer = errors.New("unknown customer number")
)
