// Package shop holds what a storefront invoice is: a walk-in buyer's purchase, paid at a gateway
// and fulfilled as an order of the storefront's reseller.
package shop

import (
	"errors"
	"time"
)

// ErrInvoiceNotFound is the answer for an unknown storefront invoice.
var ErrInvoiceNotFound = errors.New("invoice not found")

// Statuses of a storefront invoice (shop_invoices.status).
const (
	Unpaid   = "unpaid"   // waiting for the buyer's payment; nothing moved
	Expired  = "expired"  // not paid in time; nothing moved (a late payment still counts)
	Pending  = "pending"  // paid, credited and ordered; the order is being fulfilled
	Success  = "success"  // delivered
	Failed   = "failed"   // paid but not delivered: the buyer's money is a refund owed
	Refunded = "refunded" // the refund owed was paid back to the buyer
)

// Invoice is a storefront buyer's invoice.
type Invoice struct {
	ID           int64
	Code         string
	VariantID    int64
	VariantCode  string
	ProductName  string
	Destination  string
	Nickname     string
	Amount       int64 // what the buyer is asked to pay: the variant's retail price at checkout
	PaidAmount   int64
	Method       string
	GatewayID    int64
	PaymentID    int64
	Phone        string
	Email        string
	IP           string
	Status       string
	OrderInvoice string // the core order placed for it, once paid
	SN           string
	Reason       string
	Flag         string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	PaidAt       time.Time
	DoneAt       time.Time
}

// Filter narrows a listing of invoices.
type Filter struct {
	Status string
	Phone  string
	// Before, when set, keeps invoices that expire before it (the sweeper's due unpaid ones).
	Before time.Time
	Limit  int // 0 means 100
}
