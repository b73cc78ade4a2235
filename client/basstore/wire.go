// Package basstore is the BASSTORE-style v1 reseller API as Kios speaks it: the wire types of
// every request and answer, and a Go client. The server in Kios encodes its answers with these
// same types, so the two cannot drift apart.
//
// Every call is a POST with an "Authorization: Bearer TOKEN" header. Every answer is an Envelope:
//
//	{"error":false,"code":200,"message":"Success","data":...}
//	{"error":true,"code":404,"message":"Variant not found","data":null}
//
// Field names and JSON types follow BASSTORE's v1.9.0 documentation exactly, odd as some are (a
// product's is_active is a bool, a variant's is the string "active" or "inactive"). Kios adds
// fields (an order's sn, price, timestamps) but never renames or retypes one.
package basstore

import "time"

// Paths of the API, relative to the base URL.
const (
	PathBalance     = "/api/v1/balance"
	PathProduct     = "/api/v1/product"
	PathVariant     = "/api/v1/variant"
	PathOrder       = "/api/v1/order"
	PathStatusOrder = "/api/v1/status-order/" // followed by the invoice number
	// PathCheckID is a Kios extension, not BASSTORE's: the game-ID / nickname check. A BASSTORE
	// server answers it 404.
	PathCheckID = "/api/v1/check-id"
)

// Status codes an order's statusCode takes.
const (
	StatusPending = "Pending"
	StatusSuccess = "Success"
	StatusFailed  = "Failed"
)

// Values of Variant.IsActive.
const (
	VariantActive   = "active"
	VariantInactive = "inactive"
)

// MessageSuccess is the message of every successful answer.
const MessageSuccess = "Success"

// Envelope wraps every answer. Data is null when Error is true. Code repeats the HTTP status.
type Envelope struct {
	Error   bool   `json:"error"`
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data"`
}

// Balance is the data of /api/v1/balance: who the token belongs to and what it may spend.
type Balance struct {
	Name       string `json:"name"`
	Email      string `json:"email"`
	Telp       string `json:"telp"`
	Membership string `json:"membership"`
	// Balance is the available balance in rupiah: deposits less what accepted orders hold or
	// have spent.
	Balance int64 `json:"balance"`
}

// Product is one element of the data of /api/v1/product: a game or an operator.
type Product struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	IsActive bool   `json:"is_active"`
}

// VariantRequest is the body of /api/v1/variant.
type VariantRequest struct {
	// Code is a product code, e.g. "mobile-legends".
	Code string `json:"code"`
}

// Variant is one element of the data of /api/v1/variant: a denomination the caller can order.
type Variant struct {
	ID   int64  `json:"id"`
	Code string `json:"code"` // what an order's code names, e.g. "MLBB_ID_5"
	Name string `json:"name"`
	// IsActive is "active" when the variant can be ordered now, else "inactive".
	IsActive string `json:"is_active"`
	// Price is the caller's own price, in rupiah: its membership tier's, or for a downline in a
	// downline tree its upline's price plus the markups along its path.
	Price int64 `json:"price"`
	// ProcessDuration is the typical fulfilment time in seconds, as a string.
	ProcessDuration string `json:"processDuration"`
}

// CheckIDRequest is the body of /api/v1/check-id (a Kios extension).
type CheckIDRequest struct {
	// Code is a variant or product code, e.g. "MLBB_ID_5" or "mobile-legends".
	Code string `json:"code"`
	// Data is the destination to check, e.g. "12345678(1234)".
	Data string `json:"data"`
}

// CheckIDAnswer is /api/v1/check-id's data for an ID that exists. One that does not is refused
// with 422 ("ID tidak ditemukan"); an unknown code with 404.
type CheckIDAnswer struct {
	Valid    bool   `json:"valid"`
	Nickname string `json:"nickname"`
	Data     string `json:"data"` // the destination, normalised as an order should carry it
}

// OrderRequest is the body of /api/v1/order.
type OrderRequest struct {
	// Code is a variant code, e.g. "MLBB_ID_5".
	Code string `json:"code"`
	// ReferenceNumber is the caller's own id for the order, unique per caller. Sending the same
	// order again under the same reference returns the first order's invoice and charges nothing;
	// a different order under a used reference is refused with 409.
	ReferenceNumber string `json:"referenceNumber"`
	// Data is the destination: game id and zone ("12345678(1234)"), a phone number...
	Data string `json:"data"`
}

// OrderAnswer is the data of /api/v1/order.
type OrderAnswer struct {
	InvoiceNumber string `json:"invoiceNumber"`
}

// OrderStatus is the data of /api/v1/status-order/{invoice}.
type OrderStatus struct {
	InvoiceNumber string `json:"invoiceNumber"`
	ProductName   string `json:"productName"`
	UserData      string `json:"userData"`
	// StatusCode is StatusPending, StatusSuccess or StatusFailed.
	StatusCode string `json:"statusCode"`

	// Fields below are Kios additions.

	ReferenceNumber string `json:"referenceNumber"`
	Code            string `json:"code"`  // the variant code ordered
	Price           int64  `json:"price"` // what the order holds or cost, in rupiah
	SN              string `json:"sn"`    // serial number from the supplier, once Success
	Message         string `json:"message"`
	// CreatedAt and UpdatedAt are RFC 3339 times in Asia/Jakarta (+07:00).
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}
