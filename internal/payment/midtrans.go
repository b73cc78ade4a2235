package payment

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// midtrans speaks Midtrans's Core API (https://docs.midtrans.com):
//
//	POST {base}/v2/charge            Authorization: Basic base64(SERVER_KEY + ":")
//	GET  {base}/v2/{order_id}/status
//	notification: signature_key = hex SHA512(order_id + status_code + gross_amount + SERVER_KEY)
//
// A notification is only a hint: once its signature verifies, the status API is asked, and
// only its answer (settlement, or capture with fraud_status accept) is taken as paid. Base
// URLs: https://api.sandbox.midtrans.com, https://api.midtrans.com.
type midtrans struct{ c Config }

type midtransCharge struct {
	PaymentType        string            `json:"payment_type"`
	TransactionDetails midtransDetails   `json:"transaction_details"`
	BankTransfer       *midtransBank     `json:"bank_transfer,omitempty"`
	QRIS               *midtransQRIS     `json:"qris,omitempty"`
	CustomExpiry       *midtransExpiry   `json:"custom_expiry,omitempty"`
	CustomerDetails    *midtransCustomer `json:"customer_details,omitempty"`
}

type midtransDetails struct {
	OrderID     string `json:"order_id"`
	GrossAmount int64  `json:"gross_amount"`
}

type midtransBank struct {
	Bank string `json:"bank"`
}

type midtransQRIS struct {
	Acquirer string `json:"acquirer,omitempty"`
}

type midtransExpiry struct {
	ExpiryDuration int    `json:"expiry_duration"`
	Unit           string `json:"unit"`
}

type midtransCustomer struct {
	FirstName string `json:"first_name,omitempty"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
}

// midtransAnswer is the charge answer and the status answer (the fields Kios reads).
type midtransAnswer struct {
	StatusCode        string `json:"status_code"`
	StatusMessage     string `json:"status_message"`
	TransactionID     string `json:"transaction_id"`
	OrderID           string `json:"order_id"`
	GrossAmount       string `json:"gross_amount"`
	PaymentType       string `json:"payment_type"`
	TransactionStatus string `json:"transaction_status"`
	FraudStatus       string `json:"fraud_status"`
	VANumbers         []struct {
		Bank     string `json:"bank"`
		VANumber string `json:"va_number"`
	} `json:"va_numbers"`
	PermataVANumber string `json:"permata_va_number"`
	BillKey         string `json:"bill_key"`
	BillerCode      string `json:"biller_code"`
	PaymentCode     string `json:"payment_code"`
	QRString        string `json:"qr_string"`
	ExpiryTime      string `json:"expiry_time"`
	Actions         []struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"actions"`
}

// MidtransSignature is a notification's signature_key.
func MidtransSignature(orderID, statusCode, grossAmount, serverKey string) string {
	return SHA512Hex(orderID + statusCode + grossAmount + serverKey)
}

func (m *midtrans) auth() http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(m.c.ServerKey+":"))}}
}

// Methods Midtrans's Core API takes: qris, gopay, shopeepay, and bank transfers named by bank
// (bca, bni, bri, permata, cimb), written as they are or with "_va".
func (m *midtrans) Create(ctx context.Context, c Charge) (*Instructions, error) {
	method, err := pickMethod(m.c, c.Method)
	if err != nil {
		return nil, err
	}
	req := midtransCharge{TransactionDetails: midtransDetails{OrderID: c.OrderID, GrossAmount: c.Amount},
		CustomerDetails: &midtransCustomer{FirstName: c.CustomerName, Email: c.CustomerEmail, Phone: c.CustomerPhone}}
	switch low := strings.ToLower(method); low {
	case "qris":
		req.PaymentType, req.QRIS = "qris", &midtransQRIS{}
	case "gopay", "shopeepay":
		req.PaymentType = low
	default:
		bank := strings.TrimSuffix(low, "_va")
		switch bank {
		case "bca", "bni", "bri", "permata", "cimb":
			req.PaymentType, req.BankTransfer = "bank_transfer", &midtransBank{Bank: bank}
		default:
			return nil, fmt.Errorf("%w: midtrans takes qris, gopay, shopeepay, bca_va, bni_va, bri_va, permata_va, cimb_va, not %q", ErrMethod, method)
		}
	}
	if !c.ExpiresAt.IsZero() {
		if mins := int(time.Until(c.ExpiresAt) / time.Minute); mins > 0 {
			req.CustomExpiry = &midtransExpiry{ExpiryDuration: mins, Unit: "minute"}
		}
	}
	h := m.auth()
	if c.CallbackURL != "" {
		// Per-transaction notification URL instead of the dashboard's.
		h.Set("X-Override-Notification", c.CallbackURL)
	}
	var out midtransAnswer
	if err := doJSON(ctx, m.c.HTTPClient, http.MethodPost, m.c.BaseURL+"/v2/charge", h, req, &out); err != nil {
		return nil, fmt.Errorf("midtrans %s: charge: %w", m.c.Name, err)
	}
	if out.StatusCode != "201" && out.StatusCode != "200" || out.TransactionID == "" {
		return nil, fmt.Errorf("midtrans %s: charge: %w: %s %s", m.c.Name, ErrRefused, out.StatusCode, snippet([]byte(out.StatusMessage)))
	}
	ins := &Instructions{Reference: out.TransactionID, Amount: c.Amount, Method: method, QRString: out.QRString, ExpiresAt: c.ExpiresAt}
	switch {
	case len(out.VANumbers) > 0:
		ins.PayCode = out.VANumbers[0].VANumber
	case out.PermataVANumber != "":
		ins.PayCode = out.PermataVANumber
	case out.BillKey != "":
		ins.PayCode = out.BillerCode + "-" + out.BillKey
	case out.PaymentCode != "":
		ins.PayCode = out.PaymentCode
	}
	for _, a := range out.Actions {
		if a.Name == "deeplink-redirect" || (ins.CheckoutURL == "" && a.Name == "generate-qr-code") {
			ins.CheckoutURL = a.URL
		}
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04:05", out.ExpiryTime, jakarta); err == nil {
		ins.ExpiresAt = t
	}
	return ins, nil
}

// jakarta is where Midtrans's times are (WIB, UTC+7, no daylight saving).
var jakarta = time.FixedZone("WIB", 7*3600)

type midtransNotification struct {
	OrderID           any `json:"order_id"`
	StatusCode        any `json:"status_code"`
	GrossAmount       any `json:"gross_amount"`
	SignatureKey      any `json:"signature_key"`
	TransactionID     any `json:"transaction_id"`
	TransactionStatus any `json:"transaction_status"`
	FraudStatus       any `json:"fraud_status"`
	PaymentType       any `json:"payment_type"`
}

func (m *midtrans) Callback(ctx context.Context, h http.Header, body []byte) ([]Notice, error) {
	// The signature covers three fields of the body, so those are read (as the strings they
	// are) before it can be checked; nothing is read as money until it verified and the status
	// API confirmed it.
	var nt midtransNotification
	if err := jsonBody(h, body, &nt); err != nil {
		return nil, err
	}
	orderID, _ := nt.OrderID.(string)
	statusCode, _ := nt.StatusCode.(string)
	gross, _ := nt.GrossAmount.(string)
	sig, _ := nt.SignatureKey.(string)
	if orderID == "" || sig == "" || !equalHex(sig, MidtransSignature(orderID, statusCode, gross, m.c.ServerKey)) {
		return nil, ErrSignature
	}
	// Authentic, but read as strictly as any other callback: a notification Midtrans would
	// never send is refused rather than confirmed.
	if _, err := text("order_id", orderID, true); err != nil {
		return nil, err
	}
	if _, err := text("transaction_id", nt.TransactionID, true); err != nil {
		return nil, err
	}
	ts, err := text("transaction_status", nt.TransactionStatus, true)
	if err != nil {
		return nil, err
	}
	if !midtransKnown[ts] {
		return nil, malformed("transaction_status %q", ts)
	}
	if _, err := text("fraud_status", nt.FraudStatus, false); err != nil {
		return nil, err
	}
	notified, err := rupiah("gross_amount", gross, false)
	if err != nil {
		return nil, err
	}
	st, err := m.Status(ctx, orderID)
	if err != nil {
		return nil, err
	}
	if st.Amount != notified && st.Status == Paid {
		// The status API is the truth; a notification naming another amount is recorded with it.
		st.Detail += fmt.Sprintf(" (notification said %d)", notified)
	}
	return []Notice{*st}, nil
}

var midtransKnown = map[string]bool{"settlement": true, "capture": true, "pending": true, "deny": true, "cancel": true, "expire": true,
	"failure": true, "refund": true, "partial_refund": true, "chargeback": true, "partial_chargeback": true, "authorize": true}

// Status asks Midtrans's status API about an order.
func (m *midtrans) Status(ctx context.Context, orderID string) (*Notice, error) {
	var out midtransAnswer
	if err := doJSON(ctx, m.c.HTTPClient, http.MethodGet, m.c.BaseURL+"/v2/"+url.PathEscape(orderID)+"/status", m.auth(), nil, &out); err != nil {
		return nil, fmt.Errorf("midtrans %s: status of %s: %w", m.c.Name, orderID, err)
	}
	if out.OrderID != orderID || out.TransactionID == "" {
		return nil, fmt.Errorf("midtrans %s: status of %s: %w: answer names order %q, transaction %q (%s %s)", m.c.Name, orderID, ErrUpstream,
			snippet([]byte(out.OrderID)), snippet([]byte(out.TransactionID)), out.StatusCode, snippet([]byte(out.StatusMessage)))
	}
	n := &Notice{Reference: out.TransactionID, OrderID: out.OrderID, Method: out.PaymentType,
		Detail: strings.TrimSpace(out.TransactionStatus + " " + out.FraudStatus)}
	n.Status = MidtransStatus(out.TransactionStatus, out.FraudStatus)
	amount, err := rupiah("gross_amount", out.GrossAmount, n.Status != Paid)
	if err != nil {
		return nil, fmt.Errorf("midtrans %s: status of %s: %w", m.c.Name, orderID, ErrUpstream)
	}
	n.Amount = amount
	return n, nil
}

// MidtransStatus maps a transaction_status and fraud_status to a payment status: settlement is
// paid; capture is paid only when fraud_status is accept (challenge waits for the merchant's
// decision, deny fails); deny, cancel and failure fail; expire expires; refunds are refunds.
func MidtransStatus(transaction, fraud string) Status {
	switch transaction {
	case "settlement":
		return Paid
	case "capture":
		switch fraud {
		case "accept":
			return Paid
		case "deny":
			return Failed
		}
		return Pending
	case "deny", "cancel", "failure":
		return Failed
	case "expire":
		return Expired
	case "refund", "partial_refund", "chargeback", "partial_chargeback":
		return Refunded
	}
	return Pending
}

func (m *midtrans) Ack() (string, string) { return "application/json", `{"status":"ok"}` }

// MidtransNotificationBody builds a notification as Midtrans sends it, signed with serverKey.
func MidtransNotificationBody(orderID, transactionID, status, fraud string, gross int64, serverKey string) []byte {
	g := strconv.FormatInt(gross, 10) + ".00"
	code := "200"
	switch status {
	case "pending":
		code = "201"
	case "deny", "cancel", "expire", "failure":
		code = "202"
	}
	return []byte(fmt.Sprintf(`{"transaction_time":"2026-12-05 20:10:00","transaction_status":%q,"transaction_id":%q,"status_message":"midtrans payment notification","status_code":%q,"signature_key":%q,"payment_type":"qris","order_id":%q,"merchant_id":"G000000000","gross_amount":%q,"fraud_status":%q,"currency":"IDR"}`,
		status, transactionID, code, MidtransSignature(orderID, code, g, serverKey), orderID, g, fraud))
}
