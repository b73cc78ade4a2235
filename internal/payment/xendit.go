package payment

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// xendit speaks Xendit's Invoice API (https://developers.xendit.co/api-reference/#invoices):
//
//	POST {base}/v2/invoices          Authorization: Basic base64(SECRET_API_KEY + ":")
//	GET  {base}/v2/invoices/{id}
//	callback: header x-callback-token equal to the verification token from the dashboard
//
// The token is one static secret, so a paid callback is confirmed by reading the invoice back
// before it counts. Base URL: https://api.xendit.co (test and live keys share it).
type xendit struct{ c Config }

type xenditInvoice struct {
	ExternalID         string   `json:"external_id"`
	Amount             int64    `json:"amount"`
	Description        string   `json:"description"`
	InvoiceDuration    int64    `json:"invoice_duration,omitempty"`
	PayerEmail         string   `json:"payer_email,omitempty"`
	Currency           string   `json:"currency"`
	PaymentMethods     []string `json:"payment_methods,omitempty"`
	SuccessRedirectURL string   `json:"success_redirect_url,omitempty"`
}

type xenditInvoiceAnswer struct {
	ID         string `json:"id"`
	ExternalID string `json:"external_id"`
	Status     string `json:"status"`
	Amount     any    `json:"amount"`
	PaidAmount any    `json:"paid_amount"`
	InvoiceURL string `json:"invoice_url"`
	ExpiryDate string `json:"expiry_date"`
	Method     string `json:"payment_method"`
	Channel    string `json:"payment_channel"`
	ErrorCode  string `json:"error_code"`
	Message    string `json:"message"`
}

func (x *xendit) auth() http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(x.c.APIKey+":"))}}
}

func (x *xendit) Create(ctx context.Context, c Charge) (*Instructions, error) {
	req := xenditInvoice{ExternalID: c.OrderID, Amount: c.Amount, Description: "Deposit " + c.OrderID, PayerEmail: c.CustomerEmail,
		Currency: "IDR", SuccessRedirectURL: c.ReturnURL}
	method := strings.TrimSpace(c.Method)
	if method != "" || len(x.c.Methods) > 0 {
		m, err := pickMethod(x.c, method)
		if err != nil {
			return nil, err
		}
		method, req.PaymentMethods = m, []string{m}
	}
	if !c.ExpiresAt.IsZero() {
		req.InvoiceDuration = max(60, int64(time.Until(c.ExpiresAt)/time.Second))
	}
	var out xenditInvoiceAnswer
	if err := doJSON(ctx, x.c.HTTPClient, http.MethodPost, x.c.BaseURL+"/v2/invoices", x.auth(), req, &out); err != nil {
		return nil, fmt.Errorf("xendit %s: create invoice: %w", x.c.Name, err)
	}
	if out.ID == "" || out.ExternalID != c.OrderID {
		return nil, fmt.Errorf("xendit %s: create invoice: %w: %s %s", x.c.Name, ErrRefused, snippet([]byte(out.ErrorCode)), snippet([]byte(out.Message)))
	}
	ins := &Instructions{Reference: out.ID, Amount: c.Amount, Method: method, CheckoutURL: out.InvoiceURL, ExpiresAt: c.ExpiresAt}
	if t, err := time.Parse(time.RFC3339, out.ExpiryDate); err == nil {
		ins.ExpiresAt = t
	}
	return ins, nil
}

type xenditCallback struct {
	ID         any `json:"id"`
	ExternalID any `json:"external_id"`
	Status     any `json:"status"`
	Amount     any `json:"amount"`
	PaidAmount any `json:"paid_amount"`
	Method     any `json:"payment_method"`
}

// XenditTokenHeader carries the verification token.
const XenditTokenHeader = "X-Callback-Token"

func (x *xendit) Callback(ctx context.Context, h http.Header, body []byte) ([]Notice, error) {
	if !equalSecret(h.Get(XenditTokenHeader), x.c.CallbackToken) {
		return nil, ErrSignature
	}
	var cb xenditCallback
	if err := jsonBody(h, body, &cb); err != nil {
		return nil, err
	}
	var n Notice
	var err error
	if n.Reference, err = text("id", cb.ID, true); err != nil {
		return nil, err
	}
	if n.OrderID, err = text("external_id", cb.ExternalID, true); err != nil {
		return nil, err
	}
	if n.Method, err = text("payment_method", cb.Method, false); err != nil {
		return nil, err
	}
	status, err := text("status", cb.Status, true)
	if err != nil {
		return nil, err
	}
	n.Status, n.Detail = xenditStatus(status), status
	if n.Status == "" {
		return nil, malformed("status %q", status)
	}
	if n.Amount, err = rupiah("amount", cb.Amount, false); err != nil {
		return nil, err
	}
	if n.Status != Paid {
		return []Notice{n}, nil
	}
	// Confirm: the invoice as Xendit holds it, not as the callback says.
	var inv xenditInvoiceAnswer
	if err := doJSON(ctx, x.c.HTTPClient, http.MethodGet, x.c.BaseURL+"/v2/invoices/"+url.PathEscape(n.Reference), x.auth(), nil, &inv); err != nil {
		return nil, fmt.Errorf("xendit %s: invoice %s: %w", x.c.Name, n.Reference, err)
	}
	if inv.ID != n.Reference || inv.ExternalID != n.OrderID {
		return nil, fmt.Errorf("xendit %s: invoice %s: %w: answer names %q / %q", x.c.Name, n.Reference, ErrUpstream, snippet([]byte(inv.ID)), snippet([]byte(inv.ExternalID)))
	}
	n.Status, n.Detail = xenditStatus(inv.Status), inv.Status
	if n.Status == "" {
		return nil, fmt.Errorf("xendit %s: invoice %s: %w: status %q", x.c.Name, n.Reference, ErrUpstream, snippet([]byte(inv.Status)))
	}
	paid := inv.PaidAmount
	if paid == nil {
		paid = inv.Amount
	}
	if n.Amount, err = rupiah("paid_amount", paid, n.Status != Paid); err != nil {
		return nil, fmt.Errorf("xendit %s: invoice %s: %w", x.c.Name, n.Reference, ErrUpstream)
	}
	return []Notice{n}, nil
}

func xenditStatus(s string) Status {
	switch s {
	case "PAID", "SETTLED":
		return Paid
	case "PENDING":
		return Pending
	case "EXPIRED":
		return Expired
	}
	return ""
}

func (x *xendit) Ack() (string, string) { return "application/json", `{"status":"ok"}` }
