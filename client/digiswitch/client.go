package digiswitch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kios-h2h/kios/client/flazz"
)

// ErrUnknownOutcome means the call may or may not have taken effect: the request timed out or
// the connection broke after it was sent, the server answered 5xx, or the answer could not be
// read. After it, a transaction must not be sent under a new ref_id; resend the same request
// (the status check) until the answer is definite.
var ErrUnknownOutcome = errors.New("digiswitch: outcome unknown")

// A Client method fails with one of: an *APIError (a definite answer), an error wrapping
// ErrUnknownOutcome, or another error, which means the request was never sent (no connection could
// be made, or it could not be built).

// APIError is a definite refusal or failure: the server answered with an rc other than success
// or pending, and nothing was charged (or the hold was released, for rc 02).
type APIError struct {
	RC      string
	Status  string
	Message string
}

func (e *APIError) Error() string {
	if e.RC == "" {
		return "digiswitch: " + e.Message
	}
	return fmt.Sprintf("digiswitch: rc %s: %s", e.RC, e.Message)
}

// Client calls a Digiswitch-style H2H 1.0 API. It is safe for concurrent use.
type Client struct {
	baseURL  string
	username string
	apiKey   string
	http     *http.Client
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient makes the client send its requests with hc.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithTimeout bounds each call (default 60 s; a context deadline bounds it too).
func WithTimeout(d time.Duration) Option {
	return func(c *Client) { c.http = &http.Client{Timeout: d, Transport: c.http.Transport} }
}

// New returns a client for the API at baseURL (e.g. "https://kios.example.com"), signing as
// username with apiKey. The api key itself is never sent.
func New(baseURL, username, apiKey string, opts ...Option) *Client {
	c := &Client{baseURL: strings.TrimRight(baseURL, "/"), username: username, apiKey: apiKey,
		http: &http.Client{Timeout: 60 * time.Second}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// PriceListPrepaid returns the prepaid price list, or one product of it when code is not empty.
func (c *Client) PriceListPrepaid(ctx context.Context, code string) ([]PrepaidItem, error) {
	var out []PrepaidItem
	err := c.call(ctx, PathPriceList, PriceListRequest{Command: CommandPrepaid, Username: c.username, Code: code,
		Sign: Sign(c.username, c.apiKey, SuffixPriceList)}, &out)
	return out, err
}

// PriceListPasca returns the postpaid price list, or one product of it when code is not empty.
func (c *Client) PriceListPasca(ctx context.Context, code string) ([]PascaItem, error) {
	var out []PascaItem
	err := c.call(ctx, PathPriceList, PriceListRequest{Command: CommandPasca, Username: c.username, Code: code,
		Sign: Sign(c.username, c.apiKey, SuffixPriceList)}, &out)
	return out, err
}

// Balance returns the available balance.
func (c *Client) Balance(ctx context.Context) (int64, error) {
	var out BalanceResponse
	err := c.call(ctx, PathBalance, BalanceRequest{Cmd: "deposit", Username: c.username,
		Sign: Sign(c.username, c.apiKey, SuffixDeposit)}, &out)
	return out.Deposit, err
}

// Deposit opens a deposit ticket: transfer exactly the answer's Amount with its Notes.
func (c *Client) Deposit(ctx context.Context, amount int64, bank, ownerName string) (*DepositResponse, error) {
	var out DepositResponse
	if err := c.call(ctx, PathDeposit, DepositRequest{Username: c.username, Amount: amount, Bank: bank, OwnerName: ownerName,
		Sign: Sign(c.username, c.apiKey, SuffixDeposit)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DepositPay opens a deposit paid through one of the server's payment gateways (a Kios
// extension), by method (e.g. "QRIS"): the answer's Payment tells how to pay; the balance is
// credited when the gateway reports the payment.
func (c *Client) DepositPay(ctx context.Context, amount int64, method string) (*DepositResponse, error) {
	var out DepositResponse
	if err := c.call(ctx, PathDeposit, DepositRequest{Username: c.username, Amount: amount, Method: method,
		Sign: Sign(c.username, c.apiKey, SuffixDeposit)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Transaction buys a prepaid product; req's Username and Sign are filled in. The answer may be
// pending (IsPending(resp.RC)): send the same request again later to learn the outcome, or wait
// for the callback. A failed transaction returns the answer and an *APIError with rc 02.
func (c *Client) Transaction(ctx context.Context, req TransactionRequest) (*TransactionResponse, error) {
	req.Username, req.Command = c.username, ""
	req.Sign = Sign(c.username, c.apiKey, req.RefID)
	var out TransactionResponse
	err := c.call(ctx, PathTransaction, req, &out)
	if err == nil && out.RC == "" {
		err = fmt.Errorf("digiswitch transaction %s: answer without rc: %w", req.RefID, ErrUnknownOutcome)
	}
	return &out, err
}

// Postpaid sends a postpaid command (CommandInquiry, CommandPay or CommandStatus) for a bill; req's
// Username, Command and Sign are filled in. Pay with the inquiry's ref_id on the same day.
func (c *Client) Postpaid(ctx context.Context, command string, req TransactionRequest) (*PostpaidResponse, error) {
	req.Username, req.Command = c.username, command
	req.Sign = Sign(c.username, c.apiKey, req.RefID)
	var out PostpaidResponse
	err := c.call(ctx, PathTransaction, req, &out)
	if err == nil && out.RC == "" {
		err = fmt.Errorf("digiswitch %s %s: answer without rc: %w", command, req.RefID, ErrUnknownOutcome)
	}
	return &out, err
}

// Token looks up a PLN prepaid customer (meter) before a token is sold.
func (c *Client) Token(ctx context.Context, customerNo string) (*TokenResponse, error) {
	var out TokenResponse
	if err := c.call(ctx, PathToken, TokenRequest{Username: c.username, CustomerNo: customerNo,
		Sign: Sign(c.username, c.apiKey, customerNo)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// maxAnswer bounds what is read of an answer (a full price list is a few hundred KB).
const maxAnswer = 32 << 20

// call POSTs req to path and decodes the answer's data into out. A refusal is an *APIError (out
// is still filled with what the answer holds); anything that leaves the outcome in doubt wraps
// ErrUnknownOutcome.
func (c *Client) call(ctx context.Context, path string, req, out any) error {
	// No connection means nothing was sent: a plain error, safe to retry under any ref_id.
	p := flazz.Poster{API: "digiswitch", Unknown: ErrUnknownOutcome, HTTP: c.http, MaxBody: maxAnswer, DialNotSent: true}
	a, err := p.Post(ctx, c.baseURL+path, path, req)
	if err != nil {
		return err
	}
	if a.StatusCode != http.StatusOK {
		// Nothing was done; say what the server said when it said it in this dialect.
		apiErr := &APIError{Status: StatusFailed, Message: "HTTP " + a.Status}
		if ed, ok := a.Refusal(); ok && ed.RC != "" {
			apiErr.RC, apiErr.Message = ed.RC, ed.Message
		}
		return apiErr
	}
	if len(a.Data) == 0 || string(a.Data) == "null" {
		return fmt.Errorf("digiswitch %s: unreadable answer: %w", path, ErrUnknownOutcome)
	}
	if a.Data[0] == '{' {
		ed, ok := a.Refusal()
		if !ok {
			return fmt.Errorf("digiswitch %s: unreadable answer: %w", path, ErrUnknownOutcome)
		}
		if flazz.IsRefusal(ed.RC) {
			_ = json.Unmarshal(a.Data, out) // best effort: echoed fields, balance
			return &APIError{RC: ed.RC, Status: ed.Status, Message: ed.Message}
		}
	}
	if err := json.Unmarshal(a.Data, out); err != nil {
		return fmt.Errorf("digiswitch %s: unreadable answer: %w: %w", path, ErrUnknownOutcome, err)
	}
	return nil
}

// BaseURL is the API's base URL the client was made with.
func (c *Client) BaseURL() string { return c.baseURL }
