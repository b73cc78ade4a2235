package payment

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// tripay speaks Tripay's closed-payment API (https://tripay.co.id/developer):
//
//	POST {base}/transaction/create   Authorization: Bearer API_KEY
//	  signature = hex HMAC-SHA256(merchant_code + merchant_ref + amount, PRIVATE_KEY)
//	callback: X-Callback-Event: payment_status,
//	  X-Callback-Signature = hex HMAC-SHA256(raw body, PRIVATE_KEY)
//
// Base URLs: https://tripay.co.id/api-sandbox (sandbox), https://tripay.co.id/api (production).
type tripay struct{ c Config }

type tripayItem struct {
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Price    int64  `json:"price"`
	Quantity int    `json:"quantity"`
}

type tripayCreate struct {
	Method        string       `json:"method"`
	MerchantRef   string       `json:"merchant_ref"`
	Amount        int64        `json:"amount"`
	CustomerName  string       `json:"customer_name"`
	CustomerEmail string       `json:"customer_email"`
	CustomerPhone string       `json:"customer_phone,omitempty"`
	OrderItems    []tripayItem `json:"order_items"`
	CallbackURL   string       `json:"callback_url,omitempty"`
	ReturnURL     string       `json:"return_url,omitempty"`
	ExpiredTime   int64        `json:"expired_time"`
	Signature     string       `json:"signature"`
}

type tripayCreated struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
	Data    struct {
		Reference     string `json:"reference"`
		MerchantRef   string `json:"merchant_ref"`
		PaymentMethod string `json:"payment_method"`
		Amount        int64  `json:"amount"`
		PayCode       string `json:"pay_code"`
		QRString      string `json:"qr_string"`
		CheckoutURL   string `json:"checkout_url"`
		Status        string `json:"status"`
		ExpiredTime   int64  `json:"expired_time"`
	} `json:"data"`
}

// TripaySignature is the create request's signature.
func TripaySignature(merchantCode, merchantRef string, amount int64, privateKey string) string {
	return HMACSHA256(privateKey, []byte(merchantCode+merchantRef+strconv.FormatInt(amount, 10)))
}

func (t *tripay) Create(ctx context.Context, c Charge) (*Instructions, error) {
	method, err := pickMethod(t.c, c.Method)
	if err != nil {
		return nil, err
	}
	email := c.CustomerEmail
	if email == "" {
		email = "deposit@kios.invalid"
	}
	req := tripayCreate{Method: method, MerchantRef: c.OrderID, Amount: c.Amount, CustomerName: nonEmpty(c.CustomerName, "Reseller"),
		CustomerEmail: email, CustomerPhone: c.CustomerPhone,
		OrderItems:  []tripayItem{{SKU: "DEPOSIT", Name: "Deposit " + c.OrderID, Price: c.Amount, Quantity: 1}},
		CallbackURL: c.CallbackURL, ReturnURL: c.ReturnURL, ExpiredTime: c.ExpiresAt.Unix(),
		Signature: TripaySignature(t.c.MerchantCode, c.OrderID, c.Amount, t.c.PrivateKey)}
	var out tripayCreated
	h := http.Header{"Authorization": {"Bearer " + t.c.APIKey}}
	if err := doJSON(ctx, t.c.HTTPClient, http.MethodPost, t.c.BaseURL+"/transaction/create", h, req, &out); err != nil {
		return nil, fmt.Errorf("tripay %s: create: %w", t.c.Name, err)
	}
	if !out.Success || out.Data.Reference == "" {
		return nil, fmt.Errorf("tripay %s: create: %w: %s", t.c.Name, ErrRefused, snippet([]byte(out.Message)))
	}
	if out.Data.MerchantRef != "" && out.Data.MerchantRef != c.OrderID {
		return nil, fmt.Errorf("tripay %s: create: %w: answer names merchant_ref %q", t.c.Name, ErrUpstream, out.Data.MerchantRef)
	}
	ins := &Instructions{Reference: out.Data.Reference, Amount: out.Data.Amount, Method: method, PayCode: out.Data.PayCode,
		QRString: out.Data.QRString, CheckoutURL: out.Data.CheckoutURL, ExpiresAt: c.ExpiresAt}
	if ins.Amount <= 0 {
		ins.Amount = c.Amount
	}
	if out.Data.ExpiredTime > 0 {
		ins.ExpiresAt = time.Unix(out.Data.ExpiredTime, 0)
	}
	return ins, nil
}

// tripayCallback is Tripay's payment_status callback body.
type tripayCallback struct {
	Reference         any `json:"reference"`
	MerchantRef       any `json:"merchant_ref"`
	PaymentMethod     any `json:"payment_method"`
	PaymentMethodCode any `json:"payment_method_code"`
	TotalAmount       any `json:"total_amount"`
	FeeMerchant       any `json:"fee_merchant"`
	FeeCustomer       any `json:"fee_customer"`
	TotalFee          any `json:"total_fee"`
	AmountReceived    any `json:"amount_received"`
	IsClosedPayment   any `json:"is_closed_payment"`
	Status            any `json:"status"`
	PaidAt            any `json:"paid_at"`
	Note              any `json:"note"`
}

// TripayEvent is the only X-Callback-Event that reports a payment.
const TripayEvent = "payment_status"

func (t *tripay) Callback(_ context.Context, h http.Header, body []byte) ([]Notice, error) {
	if !equalHex(h.Get("X-Callback-Signature"), HMACSHA256(t.c.PrivateKey, body)) {
		return nil, ErrSignature
	}
	if ev := h.Get("X-Callback-Event"); ev != TripayEvent {
		return nil, malformed("X-Callback-Event %q, want %s", ev, TripayEvent)
	}
	var cb tripayCallback
	if err := jsonBody(h, body, &cb); err != nil {
		return nil, err
	}
	return tripayNotice(cb)
}

func tripayNotice(cb tripayCallback) ([]Notice, error) {
	var n Notice
	var err error
	if n.Reference, err = text("reference", cb.Reference, true); err != nil {
		return nil, err
	}
	if n.OrderID, err = text("merchant_ref", cb.MerchantRef, false); err != nil {
		return nil, err
	}
	if n.Method, err = text("payment_method", cb.PaymentMethod, false); err != nil {
		return nil, err
	}
	status, err := text("status", cb.Status, true)
	if err != nil {
		return nil, err
	}
	n.Detail = status
	switch strings.ToUpper(status) {
	case "PAID":
		n.Status = Paid
	case "UNPAID":
		n.Status = Pending
	case "EXPIRED":
		n.Status = Expired
	case "FAILED":
		n.Status = Failed
	case "REFUND":
		n.Status = Refunded
	default:
		return nil, malformed("status %q", status)
	}
	if n.Amount, err = rupiah("total_amount", cb.TotalAmount, n.Status != Paid); err != nil {
		return nil, err
	}
	if cb.FeeMerchant != nil {
		if n.Fee, err = rupiah("fee_merchant", cb.FeeMerchant, true); err != nil {
			return nil, err
		}
		if n.Fee > n.Amount {
			return nil, malformed("fee_merchant %d above total_amount %d", n.Fee, n.Amount)
		}
	}
	return []Notice{n}, nil
}

func (t *tripay) Ack() (string, string) { return "application/json", `{"success":true}` }

// TripayCallbackBody builds a payment_status callback body as Tripay sends it, for the sandbox
// and for tests.
func TripayCallbackBody(reference, merchantRef, method string, total, feeMerchant int64, status string, paidAt time.Time) []byte {
	b, _ := json.Marshal(map[string]any{
		"reference": reference, "merchant_ref": merchantRef, "payment_method": method, "payment_method_code": method,
		"total_amount": total, "fee_merchant": feeMerchant, "fee_customer": 0, "total_fee": feeMerchant,
		"amount_received": total - feeMerchant, "is_closed_payment": 1, "status": status, "paid_at": paidAt.Unix(), "note": nil,
	})
	return b
}

func nonEmpty(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
