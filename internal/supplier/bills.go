package supplier

import (
	"context"
	"encoding/json"
	"errors"
)

// BillRequest asks a biller for a customer's unpaid bill (a postpaid inquiry).
type BillRequest struct {
	Reference  string // Kios's reference for the inquiry
	SKU        string // the supplier's product code
	Product    string // the product's code in Kios's catalog ("PLN", "PDAM", "BPJS"): which desc shape to give
	CustomerNo string
	// AdminPerSheet is Kios's admin fee per bill sheet, for billers whose desc shows it per month.
	AdminPerSheet int64
}

// Bill is a customer's unpaid bill as a biller reports it.
type Bill struct {
	CustomerNo   string
	CustomerName string
	Sheets       int   // months billed (lembar tagihan)
	Amount       int64 // sum of the months' amounts, without penalties or admin
	Penalty      int64 // sum of late-payment penalties
	// Desc is the bill's detail in the Digiflazz desc shape of its biller (PLN, PDAM, BPJS), as
	// shown at inquiry. PaidDesc is the same once paid (PLN adds meter readings); empty means Desc.
	Desc     json.RawMessage
	PaidDesc json.RawMessage
}

// Biller is a supplier that can look bills up. Paying one is a Purchase of the bill's SKU to the
// customer number, like any order.
type Biller interface {
	Inquire(ctx context.Context, req BillRequest) (Bill, error)
}

// PLNCustomer is a PLN prepaid customer, checked before a token is sold.
type PLNCustomer struct {
	CustomerNo   string
	MeterNo      string
	SubscriberID string
	Name         string
	SegmentPower string // e.g. "R1 /000001300"
}

// PLNChecker is a supplier that can look PLN prepaid customers up.
type PLNChecker interface {
	PLNCustomer(ctx context.Context, customerNo string) (PLNCustomer, error)
}

// Errors of bill and customer lookups: definite answers, unlike a lookup that timed out.
var (
	ErrNoBill          = errors.New("no unpaid bill for this customer")
	ErrUnknownCustomer = errors.New("unknown customer number")
)
