// Package paytest is a local fake of every payment provider Kios speaks, built from their
// published API documentation (docs/PAYMENTS.md): it checks each request's authentication and
// signature as the provider would, keeps the transactions it created, answers status queries
// from them, and builds callbacks signed by each provider's rule.
package paytest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/payment"
)

// Credentials the fake expects; configure gateways with them.
const (
	MerchantCode  = "T0001"
	APIKey        = "DEV-apikey-0001"
	PrivateKey    = "priv-Abc123-xyz"
	ServerKey     = "SB-Mid-server-TEST0001"
	CallbackToken = "xnd-callback-token-0001"
	Secret        = "moota-secret-0001"
)

// Tx is one transaction the fake created.
type Tx struct {
	Kind      string
	Reference string
	OrderID   string
	Amount    int64
	Method    string
	Status    string // the provider's own word (PAID, settlement, 00, PAID…)
	Fraud     string // Midtrans fraud_status
	Fee       int64
}

// Fake is the fake provider server.
type Fake struct {
	*httptest.Server
	mu      sync.Mutex
	txs     map[string]*Tx // by order id
	n       int
	Creates int
	Status  int // status queries answered
	// Down answers every request 503 while set.
	Down bool
	// CustomerFee is added by Tripay's create to what the payer pays.
	CustomerFee int64
}

// New starts a fake.
func New(t testing.TB) *Fake {
	f := &Fake{txs: map[string]*Tx{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// Config returns a gateway configuration of kind pointed at the fake.
func (f *Fake) Config(name, kind string) payment.Config {
	c := payment.Config{Name: name, Kind: kind, BaseURL: f.URL, MerchantCode: MerchantCode, APIKey: APIKey, PrivateKey: PrivateKey,
		ServerKey: ServerKey, CallbackToken: CallbackToken, Secret: Secret}
	switch kind {
	case payment.Tripay, payment.Sandbox:
		c.Methods = []string{"QRIS", "BRIVA"}
	case payment.Midtrans:
		c.Methods = []string{"qris", "bca_va"}
	case payment.Duitku:
		c.Methods = []string{"SP", "BR"}
	case payment.Xendit:
		c.Methods = []string{"QRIS", "BRI"}
	}
	return c
}

// Tx returns the transaction of an order (nil if none).
func (f *Fake) Tx(orderID string) *Tx {
	f.mu.Lock()
	defer f.mu.Unlock()
	if t, ok := f.txs[orderID]; ok {
		c := *t
		return &c
	}
	return nil
}

// Put records a transaction as if the fake had created it (for callbacks about payments made
// elsewhere, or states set by hand).
func (f *Fake) Put(t Tx) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := t
	f.txs[t.OrderID] = &c
}

// SetStatus changes a transaction's status (and Midtrans fraud status).
func (f *Fake) SetStatus(orderID, status, fraud string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if t, ok := f.txs[orderID]; ok {
		t.Status, t.Fraud = status, fraud
	}
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(r.Body)
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && p == "/transaction/create":
		f.tripayCreate(w, r, body)
	case r.Method == http.MethodPost && p == "/v2/charge":
		f.midtransCharge(w, r, body)
	case r.Method == http.MethodGet && strings.HasPrefix(p, "/v2/") && strings.HasSuffix(p, "/status"):
		f.midtransStatus(w, r, strings.TrimSuffix(strings.TrimPrefix(p, "/v2/"), "/status"))
	case r.Method == http.MethodPost && p == "/webapi/api/merchant/v2/inquiry":
		f.duitkuInquiry(w, body)
	case r.Method == http.MethodPost && p == "/webapi/api/merchant/transactionStatus":
		f.duitkuStatus(w, body)
	case r.Method == http.MethodPost && p == "/v2/invoices":
		f.xenditCreate(w, r, body)
	case r.Method == http.MethodGet && strings.HasPrefix(p, "/v2/invoices/"):
		f.xenditGet(w, r, strings.TrimPrefix(p, "/v2/invoices/"))
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *Fake) add(kind, prefix string, orderID string, amount int64, method string) *Tx {
	f.n++
	f.Creates++
	t := &Tx{Kind: kind, Reference: fmt.Sprintf("%s%06d", prefix, f.n), OrderID: orderID, Amount: amount, Method: method}
	f.txs[orderID] = t
	return t
}

func (f *Fake) tripayCreate(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.Header.Get("Authorization") != "Bearer "+APIKey {
		writeJSON(w, 401, map[string]any{"success": false, "message": "Invalid API Key"})
		return
	}
	var req struct {
		Method      string `json:"method"`
		MerchantRef string `json:"merchant_ref"`
		Amount      int64  `json:"amount"`
		Signature   string `json:"signature"`
		ExpiredTime int64  `json:"expired_time"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.MerchantRef == "" {
		writeJSON(w, 400, map[string]any{"success": false, "message": "bad request"})
		return
	}
	if req.Signature != payment.TripaySignature(MerchantCode, req.MerchantRef, req.Amount, PrivateKey) {
		writeJSON(w, 400, map[string]any{"success": false, "message": "Invalid signature"})
		return
	}
	if _, dup := f.txs[req.MerchantRef]; dup {
		writeJSON(w, 400, map[string]any{"success": false, "message": "Duplicate merchant_ref"})
		return
	}
	t := f.add(payment.Tripay, "DEV-T", req.MerchantRef, req.Amount+f.CustomerFee, req.Method)
	t.Status, t.Fee = "UNPAID", 750
	data := map[string]any{"reference": t.Reference, "merchant_ref": t.OrderID, "payment_method": req.Method, "amount": t.Amount,
		"fee_merchant": t.Fee, "fee_customer": f.CustomerFee, "status": "UNPAID", "expired_time": req.ExpiredTime,
		"checkout_url": f.URL + "/checkout/" + t.Reference}
	if req.Method == "QRIS" {
		data["qr_string"] = "00020101021226" + t.Reference
	} else {
		data["pay_code"] = "5700" + t.Reference[len(t.Reference)-6:]
	}
	writeJSON(w, 200, map[string]any{"success": true, "message": "", "data": data})
}

func (f *Fake) midtransAuth(r *http.Request) bool {
	return r.Header.Get("Authorization") == "Basic "+base64.StdEncoding.EncodeToString([]byte(ServerKey+":"))
}

func (f *Fake) midtransCharge(w http.ResponseWriter, r *http.Request, body []byte) {
	if !f.midtransAuth(r) {
		writeJSON(w, 401, map[string]any{"status_code": "401", "status_message": "Access denied"})
		return
	}
	var req struct {
		PaymentType        string `json:"payment_type"`
		TransactionDetails struct {
			OrderID     string `json:"order_id"`
			GrossAmount int64  `json:"gross_amount"`
		} `json:"transaction_details"`
		BankTransfer *struct {
			Bank string `json:"bank"`
		} `json:"bank_transfer"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.TransactionDetails.OrderID == "" {
		writeJSON(w, 400, map[string]any{"status_code": "400", "status_message": "bad request"})
		return
	}
	if _, dup := f.txs[req.TransactionDetails.OrderID]; dup {
		writeJSON(w, 200, map[string]any{"status_code": "406", "status_message": "The request could not be completed due to a conflict with the current state of the target resource, please try again"})
		return
	}
	t := f.add(payment.Midtrans, "9a1b2c3d-0000-4000-8000-", req.TransactionDetails.OrderID, req.TransactionDetails.GrossAmount, req.PaymentType)
	t.Status = "pending"
	ans := map[string]any{"status_code": "201", "status_message": "Success, transaction is created", "transaction_id": t.Reference,
		"order_id": t.OrderID, "gross_amount": strconv.FormatInt(t.Amount, 10) + ".00", "payment_type": req.PaymentType,
		"transaction_time": "2026-12-05 20:00:00", "transaction_status": "pending", "fraud_status": "accept", "currency": "IDR",
		// A day from now, in WIB as Midtrans writes it: a fixed date made every test after it
		// see the payment as late.
		"expiry_time": time.Now().Add(24 * time.Hour).In(time.FixedZone("WIB", 7*3600)).Format(time.DateTime)}
	if req.PaymentType == "qris" {
		ans["qr_string"] = "00020101021126" + t.Reference
		ans["actions"] = []map[string]any{{"name": "generate-qr-code", "method": "GET", "url": f.URL + "/v2/qris/" + t.Reference + "/qr-code"}}
	} else if req.BankTransfer != nil {
		ans["va_numbers"] = []map[string]any{{"bank": req.BankTransfer.Bank, "va_number": "12345" + t.Reference[len(t.Reference)-6:]}}
	}
	writeJSON(w, 200, ans)
}

func (f *Fake) midtransStatus(w http.ResponseWriter, r *http.Request, orderID string) {
	if !f.midtransAuth(r) {
		writeJSON(w, 401, map[string]any{"status_code": "401", "status_message": "Access denied"})
		return
	}
	f.Status++
	t, ok := f.txs[orderID]
	if !ok || t.Kind != payment.Midtrans {
		writeJSON(w, 200, map[string]any{"status_code": "404", "status_message": "Transaction doesn't exist."})
		return
	}
	code := "200"
	if t.Status == "pending" {
		code = "201"
	}
	writeJSON(w, 200, map[string]any{"status_code": code, "status_message": "Success, transaction is found", "transaction_id": t.Reference,
		"order_id": t.OrderID, "gross_amount": strconv.FormatInt(t.Amount, 10) + ".00", "payment_type": t.Method,
		"transaction_status": t.Status, "fraud_status": t.Fraud, "currency": "IDR"})
}

func (f *Fake) duitkuInquiry(w http.ResponseWriter, body []byte) {
	var req struct {
		MerchantCode    string `json:"merchantCode"`
		PaymentAmount   int64  `json:"paymentAmount"`
		PaymentMethod   string `json:"paymentMethod"`
		MerchantOrderID string `json:"merchantOrderId"`
		CallbackURL     string `json:"callbackUrl"`
		Signature       string `json:"signature"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, 400, map[string]any{"Message": "bad request"})
		return
	}
	if req.MerchantCode != MerchantCode || req.Signature != payment.DuitkuInquirySignature(MerchantCode, req.MerchantOrderID, req.PaymentAmount, APIKey) {
		writeJSON(w, 401, map[string]any{"Message": "Wrong signature"})
		return
	}
	t := f.add(payment.Duitku, "DS1000", req.MerchantOrderID, req.PaymentAmount, req.PaymentMethod)
	t.Status, t.Fee = "01", 1500
	writeJSON(w, 200, map[string]any{"merchantCode": MerchantCode, "reference": t.Reference, "paymentUrl": f.URL + "/topup/" + t.Reference,
		"vaNumber": "7007014" + t.Reference[len(t.Reference)-6:], "qrString": "", "amount": strconv.FormatInt(t.Amount, 10),
		"statusCode": "00", "statusMessage": "SUCCESS"})
}

func (f *Fake) duitkuStatus(w http.ResponseWriter, body []byte) {
	var req struct {
		MerchantCode    string `json:"merchantCode"`
		MerchantOrderID string `json:"merchantOrderId"`
		Signature       string `json:"signature"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Signature != payment.DuitkuStatusSignature(MerchantCode, req.MerchantOrderID, APIKey) {
		writeJSON(w, 401, map[string]any{"Message": "Wrong signature"})
		return
	}
	f.Status++
	t, ok := f.txs[req.MerchantOrderID]
	if !ok {
		writeJSON(w, 200, map[string]any{"merchantOrderId": req.MerchantOrderID, "reference": "", "amount": "0", "statusCode": "02", "statusMessage": "NOT FOUND"})
		return
	}
	writeJSON(w, 200, map[string]any{"merchantOrderId": t.OrderID, "reference": t.Reference, "amount": strconv.FormatInt(t.Amount, 10),
		"fee": strconv.FormatInt(t.Fee, 10) + ".00", "statusCode": t.Status, "statusMessage": "SUCCESS"})
}

func (f *Fake) xenditAuth(r *http.Request) bool {
	return r.Header.Get("Authorization") == "Basic "+base64.StdEncoding.EncodeToString([]byte(APIKey+":"))
}

func (f *Fake) xenditCreate(w http.ResponseWriter, r *http.Request, body []byte) {
	if !f.xenditAuth(r) {
		writeJSON(w, 401, map[string]any{"error_code": "INVALID_API_KEY", "message": "API key is not authorized for this API service"})
		return
	}
	var req struct {
		ExternalID string `json:"external_id"`
		Amount     int64  `json:"amount"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.ExternalID == "" || req.Amount <= 0 {
		writeJSON(w, 400, map[string]any{"error_code": "API_VALIDATION_ERROR", "message": "bad request"})
		return
	}
	t := f.add(payment.Xendit, "65f1a2b3c4d5e6f7a8", req.ExternalID, req.Amount, "")
	t.Status = "PENDING"
	writeJSON(w, 200, f.xenditInvoice(t))
}

func (f *Fake) xenditInvoice(t *Tx) map[string]any {
	inv := map[string]any{"id": t.Reference, "external_id": t.OrderID, "user_id": "5f0000000000000000000001", "status": t.Status,
		"merchant_name": "Kios", "amount": t.Amount, "invoice_url": "https://checkout-staging.xendit.co/web/" + t.Reference,
		"expiry_date": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339), "currency": "IDR"}
	if t.Status == "PAID" || t.Status == "SETTLED" {
		inv["paid_amount"] = t.Amount
		inv["payment_method"] = "QR_CODE"
	}
	return inv
}

func (f *Fake) xenditGet(w http.ResponseWriter, r *http.Request, id string) {
	if !f.xenditAuth(r) {
		writeJSON(w, 401, map[string]any{"error_code": "INVALID_API_KEY"})
		return
	}
	f.Status++
	for _, t := range f.txs {
		if t.Reference == id && t.Kind == payment.Xendit {
			writeJSON(w, 200, f.xenditInvoice(t))
			return
		}
	}
	writeJSON(w, 404, map[string]any{"error_code": "INVOICE_NOT_FOUND_ERROR", "message": "Could not find invoice"})
}

// Callback builds the callback the provider would send now about an order's transaction, with
// its status, signed by the provider's rule: headers and raw body.
func (f *Fake) Callback(kind, orderID string) (http.Header, []byte) {
	t := f.Tx(orderID)
	if t == nil {
		panic("paytest: no transaction for " + orderID)
	}
	return SignedCallback(kind, *t)
}

// SignedCallback builds a callback about t, signed with the fake's credentials.
func SignedCallback(kind string, t Tx) (http.Header, []byte) {
	h := http.Header{}
	var body []byte
	switch kind {
	case payment.Tripay, payment.Sandbox:
		body = payment.TripayCallbackBody(t.Reference, t.OrderID, nonEmpty(t.Method, "QRIS"), t.Amount, t.Fee, nonEmpty(t.Status, "PAID"), time.Unix(1764940000, 0))
		h.Set("Content-Type", "application/json")
		h.Set("X-Callback-Event", payment.TripayEvent)
		h.Set("X-Callback-Signature", payment.HMACSHA256(PrivateKey, body))
	case payment.Midtrans:
		body = payment.MidtransNotificationBody(t.OrderID, t.Reference, nonEmpty(t.Status, "settlement"), t.Fraud, t.Amount, ServerKey)
		h.Set("Content-Type", "application/json")
	case payment.Duitku:
		code := "00"
		if t.Status == "02" {
			code = "01"
		}
		body = payment.DuitkuCallbackForm(MerchantCode, t.OrderID, t.Reference, t.Amount, code, APIKey)
		h.Set("Content-Type", "application/x-www-form-urlencoded")
	case payment.Xendit:
		b, _ := json.Marshal(map[string]any{"id": t.Reference, "external_id": t.OrderID, "user_id": "5f0000000000000000000001",
			"is_high": false, "payment_method": "QR_CODE", "status": nonEmpty(t.Status, "PAID"), "merchant_name": "Kios", "amount": t.Amount,
			"paid_amount": t.Amount, "paid_at": "2026-12-05T13:10:00.000Z", "currency": "IDR", "payment_channel": "QRIS"})
		body = b
		h.Set("Content-Type", "application/json")
		h.Set(payment.XenditTokenHeader, CallbackToken)
	case payment.Moota:
		body = payment.MootaWebhookBody(payment.MootaMutationSpec{ID: t.Reference, Amount: t.Amount, Description: "TRSF E-BANKING CR " + t.OrderID})
		h.Set("Content-Type", "application/json")
		h.Set(payment.MootaSignatureHeader, payment.HMACSHA256(Secret, body))
	default:
		panic("paytest: kind " + kind)
	}
	return h, body
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
