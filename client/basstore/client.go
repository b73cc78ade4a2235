package basstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// APIError is a definite refusal: the server answered with an error envelope and a 4xx code, so
// the request changed nothing and may be corrected and sent again.
type APIError struct {
	Code    int    // 400, 401, 402, 403, 404, 405, 409, 413, 422, 429
	Message string // the server's explanation, e.g. "code is required"
}

func (e *APIError) Error() string {
	return fmt.Sprintf("basstore: %d %s", e.Code, e.Message)
}

// ErrUnknownOutcome is wrapped by every error after which the request may or may not have taken
// effect: a timeout or connection reset once the request was sent, a 5xx, an answer that cannot
// be read. For an order, do not assume it failed: send the same order again under the same
// referenceNumber (which never charges twice), or ask its status.
var ErrUnknownOutcome = errors.New("outcome unknown")

// Options configure a Client.
type Options struct {
	// HTTPClient sends the requests; nil means a client of its own that does not follow redirects.
	HTTPClient *http.Client
	// Timeout bounds each call (on top of the context's deadline); 0 means 30 s, negative none.
	Timeout time.Duration
	// UserAgent is sent with every request; "" means "kios-basstore-client".
	UserAgent string
}

// Client calls a BASSTORE-style v1 API. It is safe for concurrent use.
//
// Every method returns, on failure, one of: an *APIError (a definite refusal), an error wrapping
// ErrUnknownOutcome, or another error, which means the request was never sent (a bad base URL,
// a connection refused, the context ended before sending).
type Client struct {
	base    string
	token   string
	http    *http.Client
	timeout time.Duration
	ua      string
}

// NewClient returns a client for the API at baseURL (e.g. "https://h2h.example.com") using the
// bearer token.
func NewClient(baseURL, token string, opts Options) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), token: token, http: opts.HTTPClient, timeout: opts.Timeout, ua: opts.UserAgent}
	if c.http == nil {
		c.http = &http.Client{
			// A redirected POST becomes a GET: never follow one, report it instead.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if c.timeout == 0 {
		c.timeout = 30 * time.Second
	}
	if c.ua == "" {
		c.ua = "kios-basstore-client"
	}
	return c
}

// Balance returns the caller's profile and available balance.
func (c *Client) Balance(ctx context.Context) (*Balance, error) {
	var out Balance
	if err := c.call(ctx, PathBalance, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Products lists the products.
func (c *Client) Products(ctx context.Context) ([]Product, error) {
	out := []Product{}
	if err := c.call(ctx, PathProduct, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Variants lists a product's variants at the caller's prices.
func (c *Client) Variants(ctx context.Context, productCode string) ([]Variant, error) {
	out := []Variant{}
	if err := c.call(ctx, PathVariant, VariantRequest{Code: productCode}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Order places an order. On an error wrapping ErrUnknownOutcome, send the same req again: the
// server answers a repeated referenceNumber with the first order's invoice.
func (c *Client) Order(ctx context.Context, req OrderRequest) (*OrderAnswer, error) {
	var out OrderAnswer
	if err := c.call(ctx, PathOrder, req, &out); err != nil {
		return nil, err
	}
	if out.InvoiceNumber == "" {
		return nil, fmt.Errorf("basstore: %s: answer has no invoiceNumber: %w", PathOrder, ErrUnknownOutcome)
	}
	return &out, nil
}

// Status returns the status of one of the caller's orders.
func (c *Client) Status(ctx context.Context, invoice string) (*OrderStatus, error) {
	if invoice == "" {
		return nil, errors.New("basstore: status: empty invoice")
	}
	var out OrderStatus
	if err := c.call(ctx, PathStatusOrder+url.PathEscape(invoice), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CheckID asks a Kios upstream whether the game account data exists and whose it is (a Kios
// extension of the API). An ID that does not exist is an *APIError with Code 422; a code the
// server does not know, or a server that is not a Kios, 404.
func (c *Client) CheckID(ctx context.Context, code, data string) (*CheckIDAnswer, error) {
	var out CheckIDAnswer
	if err := c.call(ctx, PathCheckID, CheckIDRequest{Code: code, Data: data}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// maxAnswer bounds how much of an answer is read; a product list of thousands fits easily.
const maxAnswer = 32 << 20

// call posts body (nil for none) to path and decodes the envelope's data into out.
func (c *Client) call(ctx context.Context, path string, body any, out any) error {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	var rd io.Reader = http.NoBody
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("basstore: %s: encode request: %w", path, err)
		}
		rd = bytes.NewReader(b)
	}
	// Whether any byte of the request reached the connection decides whether a transport error
	// is "never sent" or "outcome unknown".
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteHeaderField: func(string, []string) { wrote.Store(true) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodPost, c.base+path, rd)
	if err != nil {
		return fmt.Errorf("basstore: %s: %w", path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.ua)
	resp, err := c.http.Do(req)
	if err != nil {
		if wrote.Load() {
			return fmt.Errorf("basstore: %s: %w: %w", path, ErrUnknownOutcome, err)
		}
		return fmt.Errorf("basstore: %s: not sent: %w", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("basstore: %s: HTTP %d: read answer: %w: %w", path, resp.StatusCode, ErrUnknownOutcome, err)
	}
	return decode(path, resp.StatusCode, raw, out)
}

// wireEnvelope reads an envelope, with pointers to tell a missing field from a zero one.
type wireEnvelope struct {
	Error   *bool           `json:"error"`
	Code    *int            `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

func decode(path string, status int, raw []byte, out any) error {
	var env wireEnvelope
	if err := json.Unmarshal(raw, &env); err != nil || env.Error == nil || env.Code == nil {
		return fmt.Errorf("basstore: %s: HTTP %d: unreadable answer %q: %w", path, status, snippet(raw), ErrUnknownOutcome)
	}
	if status >= 500 || *env.Code >= 500 {
		// A server error may strike after the change was committed.
		return fmt.Errorf("basstore: %s: HTTP %d: %d %s: %w", path, status, *env.Code, env.Message, ErrUnknownOutcome)
	}
	if *env.Error {
		if *env.Code < 400 || status < 400 {
			return fmt.Errorf("basstore: %s: HTTP %d: error envelope with code %d: %w", path, status, *env.Code, ErrUnknownOutcome)
		}
		return &APIError{Code: *env.Code, Message: env.Message}
	}
	if status != http.StatusOK || *env.Code != http.StatusOK {
		return fmt.Errorf("basstore: %s: HTTP %d: code %d without error: %w", path, status, *env.Code, ErrUnknownOutcome)
	}
	if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
		return fmt.Errorf("basstore: %s: success without data: %w", path, ErrUnknownOutcome)
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("basstore: %s: unreadable data %q: %w", path, snippet(env.Data), ErrUnknownOutcome)
	}
	return nil
}

func snippet(b []byte) string {
	if len(b) > 120 {
		return string(b[:120]) + "..."
	}
	return string(b)
}
