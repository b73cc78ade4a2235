package otomax

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrUnknownOutcome means the request may have been acted on and its answer says nothing
// readable: a timeout or broken connection after sending, an HTTP status other than 200, or a
// body that could not be read. Send the status check (the same refID with check=1) until the
// answer is definite; never buy the same order under a new refID.
var ErrUnknownOutcome = errors.New("otomax: outcome unknown")

// A Client method fails with an error wrapping ErrUnknownOutcome, or with another error, which
// means nothing was sent (no connection could be made, or the request could not be built).

// maxAnswer bounds how much of a reply is read: replies are one line.
const maxAnswer = 64 << 10

// Client buys from an Otomax/IRS center over its "via IP" H2H interface. It is safe for
// concurrent use.
type Client struct {
	base     string
	memberID string
	pin      string
	password string
	plain    bool
	http     *http.Client
	patterns Patterns
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (its timeout bounds every call).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithPatterns sets the patterns that read this center's replies (default DefaultPatterns).
func WithPatterns(p Patterns) Option { return func(c *Client) { c.patterns = p } }

// WithPlainCredentials also sends pin and password in the query, for centers that ask for them
// beside (or instead of) the sign. Off by default: a sign proves them without sending them.
func WithPlainCredentials() Option { return func(c *Client) { c.plain = true } }

// New returns a client of the center at baseURL (the part before /trx), as member memberID.
func New(baseURL, memberID, pin, password string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), memberID: memberID, pin: pin, password: password,
		http: &http.Client{Timeout: 60 * time.Second}, patterns: DefaultPatterns()}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Trx is one transaction's parameters.
type Trx struct {
	Product string
	Dest    string
	RefID   string
	Qty     int // 0: one unit, qty not sent
}

// Buy sends a transaction. The reply may be pending: ask Check later, or wait for the report.
func (c *Client) Buy(ctx context.Context, t Trx) (Reply, error) { return c.trx(ctx, t, false) }

// Check asks a transaction's status: the same request with check=1, under the same refID.
func (c *Client) Check(ctx context.Context, t Trx) (Reply, error) { return c.trx(ctx, t, true) }

func (c *Client) trx(ctx context.Context, t Trx, check bool) (Reply, error) {
	r := Request{MemberID: c.memberID, Product: t.Product, Dest: t.Dest, RefID: t.RefID, Qty: t.Qty, Check: check,
		Sign: Sign(c.memberID, t.Product, t.Dest, t.RefID, c.pin, c.password)}
	if c.plain {
		r.PIN, r.Password = c.pin, c.password
	}
	text, err := c.get(ctx, PathTrx, r.Query())
	if err != nil {
		return Reply{}, err
	}
	reply := c.patterns.Parse(text)
	if reply.RefID != "" && reply.RefID != t.RefID {
		// An answer about another transaction says nothing about this one.
		reply.Status = StatusUnknown
	}
	return reply, nil
}

// Balance returns the member's balance at the center, read from the reply with the balance
// patterns.
func (c *Client) Balance(ctx context.Context) (int64, error) {
	b := BalanceRequest{MemberID: c.memberID, Sign: SignBalance(c.memberID, c.pin, c.password)}
	if c.plain {
		b.PIN, b.Password = c.pin, c.password
	}
	q := b.Query()
	text, err := c.get(ctx, PathBalance, q)
	if err != nil {
		return 0, err
	}
	r := c.patterns.Parse(text)
	if r.Balance < 0 {
		if r.Status == StatusFailed {
			return 0, fmt.Errorf("otomax balance: refused: %q", r.Text)
		}
		return 0, fmt.Errorf("otomax balance: no balance in the reply %q", r.Text)
	}
	return r.Balance, nil
}

// get sends a GET and returns the reply text.
func (c *Client) get(ctx context.Context, path string, q url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path+"?"+q.Encode(), nil)
	if err != nil {
		return "", fmt.Errorf("otomax %s: %w", path, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return "", fmt.Errorf("otomax %s: request not sent: %w", path, err)
		}
		return "", fmt.Errorf("otomax %s: %w: %w", path, ErrUnknownOutcome, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return "", fmt.Errorf("otomax %s: read reply: %w: %w", path, ErrUnknownOutcome, err)
	}
	if resp.StatusCode != http.StatusOK {
		// Centers answer 200 with a text; anything else is a proxy's or a crash's page, which
		// says nothing of whether the transaction was taken.
		return "", fmt.Errorf("otomax %s: HTTP %d: %w", path, resp.StatusCode, ErrUnknownOutcome)
	}
	return strings.TrimSpace(string(raw)), nil
}

// BaseURL is the center's base URL the client was made with.
func (c *Client) BaseURL() string { return c.base }
