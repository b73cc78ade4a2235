package payment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Refunds (issue 19): a storefront buyer whose order failed is paid back through the gateway's
// refund API where it has one. Of the adapters, Midtrans and Xendit publish one; Tripay's and
// Duitku's published APIs have none (the operator pays back by hand and records it), and a
// mutation feed took no payment of its own. Wire and sources in docs/PAYMENTS.md, "Refunds".

// ErrNoRefund is a refund the gateway cannot make for this payment (a method it cannot refund,
// a window past): definite, the operator pays back by hand.
var ErrNoRefund = errors.New("the gateway cannot refund this payment")

// Refund asks a gateway to pay a payment back.
type Refund struct {
	Reference string // the provider's reference of the payment (Instructions.Reference)
	OrderID   string // Kios's reference of it (Charge.OrderID)
	Amount    int64
	// Key makes the request idempotent: the same key again is the same refund, never a second.
	Key    string
	Reason string
}

// RefundResult is a gateway's answer to a refund: Refunded (the money is on its way back) or
// Pending (accepted, not yet done: ask again with the same Key).
type RefundResult struct {
	Status    Status
	Reference string // the provider's id of the refund, when it gives one
	Detail    string // the provider's own words
}

// Refunder is a Gateway with a refund API. Errors: ErrNoRefund or ErrRefused (definite: nothing
// was refunded), ErrUpstream (unclear: ask again with the same Key).
type Refunder interface {
	Refund(ctx context.Context, r Refund) (*RefundResult, error)
}

// midtransRefund is Midtrans's refund answer (the fields Kios reads).
type midtransRefund struct {
	StatusCode    string `json:"status_code"`
	StatusMessage string `json:"status_message"`
	OrderID       string `json:"order_id"`
	RefundKey     string `json:"refund_key"`
	RefundAmount  any    `json:"refund_amount"`
	ChargebackID  any    `json:"refund_chargeback_id"`
}

// Refund calls POST {base}/v2/{order_id}/refund {"refund_key","amount","reason"}: the same
// refund_key again is the same refund. Midtrans answers HTTP 200 with its own status_code:
// "200" refunded; "412" (not refundable: a bank transfer, a window past) and other 4xx refused;
// 5xx unclear.
func (m *midtrans) Refund(ctx context.Context, r Refund) (*RefundResult, error) {
	body := map[string]any{"refund_key": r.Key, "amount": r.Amount, "reason": r.Reason}
	var out midtransRefund
	if err := doJSON(ctx, m.c.HTTPClient, http.MethodPost, strings.TrimRight(m.c.BaseURL, "/")+"/v2/"+url.PathEscape(r.OrderID)+"/refund", m.auth(), body, &out); err != nil {
		return nil, fmt.Errorf("midtrans %s: refund %s: %w", m.c.Name, r.OrderID, err)
	}
	switch {
	case out.StatusCode == "200":
		return &RefundResult{Status: Refunded, Reference: out.RefundKey, Detail: out.StatusMessage}, nil
	case out.StatusCode == "412" || out.StatusCode == "406":
		return nil, fmt.Errorf("midtrans %s: refund %s: %w: %s %s", m.c.Name, r.OrderID, ErrNoRefund, out.StatusCode, snippet([]byte(out.StatusMessage)))
	case strings.HasPrefix(out.StatusCode, "4"):
		return nil, fmt.Errorf("midtrans %s: refund %s: %w: %s %s", m.c.Name, r.OrderID, ErrRefused, out.StatusCode, snippet([]byte(out.StatusMessage)))
	}
	return nil, fmt.Errorf("midtrans %s: refund %s: %w: status_code %q", m.c.Name, r.OrderID, ErrUpstream, snippet([]byte(out.StatusCode)))
}

// xenditRefund is Xendit's refund object (the fields Kios reads).
type xenditRefund struct {
	ID          string `json:"id"`
	InvoiceID   string `json:"invoice_id"`
	ReferenceID string `json:"reference_id"`
	Status      string `json:"status"`
	FailureCode string `json:"failure_code"`
	ErrorCode   string `json:"error_code"`
	Message     string `json:"message"`
}

// Refund calls POST {base}/refunds {"invoice_id","reference_id","amount","reason"} with the
// header Idempotency-key: the same key again answers the same refund, with its status now.
// SUCCEEDED refunded, PENDING (or REQUESTED) accepted, FAILED refused; a 4xx refused.
func (x *xendit) Refund(ctx context.Context, r Refund) (*RefundResult, error) {
	h := x.auth()
	h.Set("Idempotency-key", r.Key)
	body := map[string]any{"invoice_id": r.Reference, "reference_id": r.Key, "amount": r.Amount, "currency": "IDR", "reason": "REQUESTED_BY_CUSTOMER",
		"metadata": map[string]string{"kios_order": r.OrderID}}
	var out xenditRefund
	if err := doJSON(ctx, x.c.HTTPClient, http.MethodPost, strings.TrimRight(x.c.BaseURL, "/")+"/refunds", h, body, &out); err != nil {
		return nil, fmt.Errorf("xendit %s: refund %s: %w", x.c.Name, r.Reference, err)
	}
	switch out.Status {
	case "SUCCEEDED":
		return &RefundResult{Status: Refunded, Reference: out.ID, Detail: out.Status}, nil
	case "PENDING", "REQUESTED":
		return &RefundResult{Status: Pending, Reference: out.ID, Detail: out.Status}, nil
	case "FAILED":
		return nil, fmt.Errorf("xendit %s: refund %s: %w: FAILED %s", x.c.Name, r.Reference, ErrNoRefund, snippet([]byte(out.FailureCode)))
	}
	return nil, fmt.Errorf("xendit %s: refund %s: %w: status %q", x.c.Name, r.Reference, ErrUpstream, snippet([]byte(out.Status)))
}

// Refund on the sandbox refunds at once (demo and tests): nothing was paid.
func (s *sandbox) Refund(_ context.Context, r Refund) (*RefundResult, error) {
	if r.Reference == "" || r.Amount <= 0 {
		return nil, fmt.Errorf("sandbox: refund: %w: no payment or amount", ErrRefused)
	}
	return &RefundResult{Status: Refunded, Reference: "SBX-REFUND-" + r.Key, Detail: "sandbox refund"}, nil
}
