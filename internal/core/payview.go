package core

import (
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/payment"
)

// The views below are what the CLI's --json and the admin API show of gateways, payments and
// callbacks: one shape for both, so a script reads the same keys from either. Amounts are
// integer rupiah; times RFC 3339 in WIB, "" when there is none.

// GatewayView is a gateway as listed: which secrets are set, never the secrets.
type GatewayView struct {
	Name         string   `json:"name"`
	Kind         string   `json:"kind"`
	BaseURL      string   `json:"base_url"`
	MerchantCode string   `json:"merchant_code"`
	Methods      []string `json:"methods"`
	FeePolicy    string   `json:"fee_policy"`
	Enabled      bool     `json:"enabled"`
	Secrets      []string `json:"secrets"` // names of the secrets set, e.g. ["api_key","private_key"]
	CreatedAt    string   `json:"created_at"`
}

// ViewGateway is g as listed.
func ViewGateway(g *payment.GatewayConfig) GatewayView {
	v := GatewayView{Name: g.Name, Kind: g.Kind, BaseURL: g.BaseURL, MerchantCode: g.MerchantCode, Methods: g.Methods,
		FeePolicy: g.FeePolicy, Enabled: g.Enabled, Secrets: []string{}, CreatedAt: viewTime(g.CreatedAt)}
	if v.Methods == nil {
		v.Methods = []string{}
	}
	for _, s := range []struct{ name, v string }{{"api_key", g.APIKey}, {"private_key", g.PrivateKey}, {"server_key", g.ServerKey},
		{"callback_token", g.CallbackToken}, {"secret", g.Secret}} {
		if s.v != "" {
			v.Secrets = append(v.Secrets, s.name)
		}
	}
	return v
}

// PayView is what a payer is told to do: `kios deposit pay --json`, the admin API's and the
// member area's answer. A mutation feed's gateway has no reference: the ticket's amount is
// transferred to the watched account.
type PayView struct {
	Ticket      string `json:"ticket"`
	Amount      int64  `json:"amount"` // what the payer must pay
	Reference   string `json:"reference"`
	ExpiresAt   string `json:"expires_at"`
	Gateway     string `json:"gateway"`
	Method      string `json:"method,omitempty"`
	PayCode     string `json:"pay_code,omitempty"`
	QRString    string `json:"qr_string,omitempty"`
	CheckoutURL string `json:"checkout_url,omitempty"`
}

// ViewPay is r as the payer is shown it.
func ViewPay(r *PayResult) PayView {
	v := PayView{Ticket: r.Ticket.Code, Amount: r.Ticket.Amount, ExpiresAt: viewTime(r.Ticket.ExpiresAt), Gateway: r.Ticket.Bank,
		Method: r.Ticket.OwnerName}
	if p := r.Payment; p != nil {
		v.Amount, v.Reference, v.ExpiresAt, v.Gateway = p.Amount, p.Reference, viewTime(p.ExpiresAt), p.Gateway
		v.Method, v.PayCode, v.QRString, v.CheckoutURL = p.Method, p.PayCode, p.QRString, p.CheckoutURL
	}
	return v
}

// PaymentView is a payment as listed.
type PaymentView struct {
	ID          int64  `json:"id"`
	Gateway     string `json:"gateway"`
	Reference   string `json:"reference"`
	Ticket      string `json:"ticket"`
	Reseller    string `json:"reseller"`
	Method      string `json:"method"`
	Amount      int64  `json:"amount"`
	PaidAmount  int64  `json:"paid_amount"`
	Fee         int64  `json:"fee"`
	Status      string `json:"status"`
	Flag        string `json:"flag"`
	CreditTxn   string `json:"credit_txn"`
	Detail      string `json:"detail"`
	CheckoutURL string `json:"checkout_url"`
	CreatedAt   string `json:"created_at"`
	ExpiresAt   string `json:"expires_at"`
	PaidAt      string `json:"paid_at"`
}

// ViewPayment is p as listed.
func ViewPayment(p *payment.Payment) PaymentView {
	return PaymentView{ID: p.ID, Gateway: p.Gateway, Reference: p.Reference, Ticket: p.Ticket, Reseller: p.Username, Method: p.Method,
		Amount: p.Amount, PaidAmount: p.PaidAmount, Fee: p.Fee, Status: p.Status, Flag: p.Flag, CreditTxn: p.CreditTxn, Detail: p.Detail,
		CheckoutURL: p.CheckoutURL, CreatedAt: viewTime(p.CreatedAt), ExpiresAt: viewTime(p.ExpiresAt), PaidAt: viewTime(p.PaidAt)}
}

// CallbackView is a received callback as listed: raw, with its verification result.
type CallbackView struct {
	ID          int64  `json:"id"`
	Gateway     string `json:"gateway"`
	RemoteAddr  string `json:"remote_addr"`
	ContentType string `json:"content_type"`
	Headers     string `json:"headers"`
	Body        string `json:"body"`
	Verified    bool   `json:"verified"`
	Result      string `json:"result"`
	Reference   string `json:"reference"`
	ReceivedAt  string `json:"received_at"`
}

// ViewCallback is c as listed.
func ViewCallback(c *payment.Callback) CallbackView {
	return CallbackView{ID: c.ID, Gateway: c.Gateway, RemoteAddr: c.RemoteAddr, ContentType: c.ContentType, Headers: c.Headers, Body: c.Body,
		Verified: c.Verified, Result: c.Result, Reference: c.Reference, ReceivedAt: viewTime(c.ReceivedAt)}
}

func viewTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(catalog.Jakarta).Format(time.RFC3339)
}
