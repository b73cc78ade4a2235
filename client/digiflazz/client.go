package digiflazz

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

// ErrUnknownOutcome marks an error after which the server may or may not have acted on the
// request: a timeout after sending, a reset connection, a 5xx, a body that is not the API's. After
// such an error on a transaction, send the same request again (the status check); never a new
// ref_id for the same purchase.
var ErrUnknownOutcome = errors.New("digiflazz: outcome unknown")

// RCError is a definite refusal: the server answered with an rc that is neither success nor
// pending. For a transaction it means nothing was bought under that ref_id (or the purchase failed
// and was refunded).
type RCError struct {
	Endpoint string
	RC       string
	Message  string
}

func (e *RCError) Error() string {
	return fmt.Sprintf("digiflazz %s: rc %s: %s", e.Endpoint, e.RC, e.Message)
}

// AsRCError returns the refusal inside err, if it is one.
func AsRCError(err error) (*RCError, bool) {
	var e *RCError
	ok := errors.As(err, &e)
	return e, ok
}

// Client calls a Digiflazz-compatible buyer API: Digiflazz itself or a Kios server.
type Client struct {
	baseURL  string
	username string
	apiKey   string
	hc       *http.Client
	post     flazz.Poster
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (for transports, proxies, test servers).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithTimeout bounds each call, including reading the answer. The default is 30 seconds;
// a context deadline applies as well.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) {
		hc := *c.hc
		hc.Timeout = d
		c.hc = &hc
	}
}

// New returns a client of the API at baseURL ("https://api.digiflazz.com/v1", or a Kios server's
// "https://host/v1"; empty means DefaultBaseURL), signing with username and apiKey.
func New(baseURL, username, apiKey string, opts ...Option) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	c := &Client{
		baseURL:  strings.TrimRight(baseURL, "/"),
		username: username,
		apiKey:   apiKey,
		hc:       &http.Client{Timeout: 30 * time.Second},
	}
	for _, o := range opts {
		o(c)
	}
	// The full price list is large. A failed dial is an unknown outcome too: this client's errors
	// are either a refusal or unknown.
	c.post = flazz.Poster{API: "digiflazz", Unknown: ErrUnknownOutcome, HTTP: c.hc, MaxBody: 64 << 20}
	return c
}

// Balance returns the buyer's balance (cek-saldo).
func (c *Client) Balance(ctx context.Context) (int64, error) {
	req := BalanceRequest{Cmd: CmdDeposit, Username: c.username, Sign: Sign(c.username, c.apiKey, SuffixBalance)}
	var d BalanceData
	if err := c.call(ctx, EndpointBalance, req, &d); err != nil {
		return 0, err
	}
	return d.Deposit, nil
}

// PriceFilter narrows a price list; the zero value asks for the full list.
type PriceFilter struct {
	Code, Category, Brand, Type string
}

func (c *Client) priceListRequest(cmd string, f PriceFilter) PriceListRequest {
	return PriceListRequest{Cmd: cmd, Username: c.username, Code: f.Code, Category: f.Category, Brand: f.Brand,
		Type: f.Type, Sign: Sign(c.username, c.apiKey, SuffixPriceList)}
}

// PriceList returns the prepaid price list.
func (c *Client) PriceList(ctx context.Context, f PriceFilter) ([]PrepaidItem, error) {
	var items []PrepaidItem
	err := c.call(ctx, EndpointPriceList, c.priceListRequest(CmdPrepaid, f), &items)
	return items, err
}

// PascaPriceList returns the postpaid price list.
func (c *Client) PascaPriceList(ctx context.Context, f PriceFilter) ([]PascaItem, error) {
	var items []PascaItem
	err := c.call(ctx, EndpointPriceList, c.priceListRequest(CmdPasca, f), &items)
	return items, err
}

// Deposit opens a deposit ticket: transfer the answer's Amount to its AccountNo.
func (c *Client) Deposit(ctx context.Context, amount int64, bank, ownerName string) (DepositData, error) {
	req := DepositRequest{Username: c.username, Amount: amount, Bank: bank, OwnerName: ownerName,
		Sign: Sign(c.username, c.apiKey, SuffixDeposit)}
	var d DepositData
	err := c.call(ctx, EndpointDeposit, req, &d)
	return d, err
}

// DepositPay opens a deposit paid through one of the server's payment gateways (a Kios
// extension), by method (e.g. "QRIS"): the answer's Payment tells how to pay; the balance is
// credited when the gateway reports the payment.
func (c *Client) DepositPay(ctx context.Context, amount int64, method string) (DepositData, error) {
	req := DepositRequest{Username: c.username, Amount: amount, Method: method, Sign: Sign(c.username, c.apiKey, SuffixDeposit)}
	var d DepositData
	err := c.call(ctx, EndpointDeposit, req, &d)
	return d, err
}

// Transaction sends a prepaid purchase, or its status check (the same request again). Username
// and Sign are filled in. A pending or successful answer returns a nil error; a failed one returns
// the data and an *RCError.
func (c *Client) Transaction(ctx context.Context, req TransactionRequest) (TransactionData, error) {
	req.Username, req.Commands = c.username, ""
	req.Sign = Sign(c.username, c.apiKey, req.RefID)
	var d TransactionData
	if err := c.call(ctx, EndpointTransaction, req, &d); err != nil {
		return d, err
	}
	return d, c.outcome(EndpointTransaction, d.RC, d.Message)
}

// Pasca sends a postpaid command (CommandInquiry, CommandPay, CommandStatus), with the same
// error rules as Transaction.
func (c *Client) Pasca(ctx context.Context, command string, req TransactionRequest) (PascaData, error) {
	req.Username, req.Commands = c.username, command
	req.Sign = Sign(c.username, c.apiKey, req.RefID)
	var d PascaData
	if err := c.call(ctx, EndpointTransaction, req, &d); err != nil {
		return d, err
	}
	return d, c.outcome(EndpointTransaction, d.RC, d.Message)
}

// InquiryPLN looks a PLN prepaid customer up.
func (c *Client) InquiryPLN(ctx context.Context, customerNo string) (InquiryPLNData, error) {
	req := InquiryPLNRequest{Username: c.username, CustomerNo: customerNo, Sign: Sign(c.username, c.apiKey, customerNo)}
	var d InquiryPLNData
	if err := c.call(ctx, EndpointInquiryPLN, req, &d); err != nil {
		return d, err
	}
	return d, c.outcome(EndpointInquiryPLN, d.RC, d.Message)
}

func (c *Client) outcome(endpoint, rc, msg string) error {
	if rc == "" {
		return fmt.Errorf("digiflazz %s: answer without rc: %w", endpoint, ErrUnknownOutcome)
	}
	if !flazz.IsRefusal(rc) {
		return nil
	}
	return &RCError{Endpoint: endpoint, RC: rc, Message: msg}
}

// call posts req and decodes the answer's data into out. A refusal in the {rc, message} shape
// becomes an *RCError; anything that is not a well-formed answer wraps ErrUnknownOutcome.
func (c *Client) call(ctx context.Context, endpoint string, req, out any) error {
	a, err := c.post.Post(ctx, c.baseURL+endpoint, endpoint, req)
	if err != nil {
		return err
	}
	if len(a.Data) == 0 {
		return fmt.Errorf("digiflazz %s: HTTP %d, not an API answer: %w", endpoint, a.StatusCode, ErrUnknownOutcome)
	}
	// A refusal carries an rc that is neither success nor pending. Transaction and inquiry-pln
	// answers carry an rc always, and their callers read it; the other endpoints' data has none
	// unless it is a refusal. Digiflazz sends some refusals with a 4xx status.
	e, ok := a.Refusal()
	refused := ok && flazz.IsRefusal(e.RC)
	if refused && !rcInData(out) {
		return &RCError{Endpoint: endpoint, RC: e.RC, Message: e.Message}
	}
	if a.StatusCode != http.StatusOK && !refused {
		return fmt.Errorf("digiflazz %s: HTTP %d without a refusal: %w", endpoint, a.StatusCode, ErrUnknownOutcome)
	}
	if err := json.Unmarshal(a.Data, out); err != nil {
		if refused {
			return &RCError{Endpoint: endpoint, RC: e.RC, Message: e.Message}
		}
		return fmt.Errorf("digiflazz %s: decode: %w: %w", endpoint, ErrUnknownOutcome, err)
	}
	return nil
}

// rcInData reports whether out is an answer whose rc its caller reads itself.
func rcInData(out any) bool {
	switch out.(type) {
	case *TransactionData, *PascaData, *InquiryPLNData:
		return true
	}
	return false
}

func decodeStrictEnough(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}
