// Package payment holds one adapter per payment gateway and bank-mutation feed Kios takes
// deposits through (Tripay, Midtrans, Duitku, Xendit, Moota-style mutation webhooks, and the
// built-in sandbox). An adapter builds the provider's create-transaction request and verifies
// its callbacks on the raw body, the provider's way, before anything in them is read as money.
// It moves no money itself: package core credits deposit tickets from the Notices it returns.
//
// Wire formats and signing rules, with their sources, are in docs/PAYMENTS.md.
package payment

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Kinds of gateway.
const (
	Tripay   = "tripay"
	Midtrans = "midtrans"
	Duitku   = "duitku"
	Xendit   = "xendit"
	Moota    = "moota"
	Sandbox  = "sandbox"
)

// Kinds lists every kind, in the order `kios gateway add --help` shows them.
var Kinds = []string{Tripay, Midtrans, Duitku, Xendit, Moota, Sandbox}

// MaxAmount bounds an amount read from a callback: no deposit is larger (deposit.MaxAmount),
// and anything above it is malformed, not money.
const MaxAmount int64 = 1_000_000_000_000

// MaxBody bounds a callback body; providers send a few hundred bytes (a mutation batch a few
// kilobytes).
const MaxBody = 64 << 10

// Errors of adapters. Callback answers them as HTTP statuses: ErrSignature 403, ErrMalformed
// 400, ErrUpstream 503 (the provider retries), anything else 500.
var (
	ErrSignature = errors.New("callback signature does not verify")
	ErrMalformed = errors.New("malformed callback")
	ErrUpstream  = errors.New("payment provider unavailable or answered unclearly")
	ErrRefused   = errors.New("payment provider refused the request")
	ErrNoCreate  = errors.New("this gateway takes no payments of its own: transfer the ticket's amount to the bank account it watches")
	ErrConfig    = errors.New("gateway configuration incomplete")
)

// Config is a gateway as registered (`kios gateway add`).
type Config struct {
	Name          string
	Kind          string
	BaseURL       string
	MerchantCode  string
	APIKey        string
	PrivateKey    string
	ServerKey     string
	CallbackToken string
	Secret        string
	Methods       []string
	// HTTPClient makes the adapter's calls; nil means a client with a 20 s timeout.
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Charge asks a gateway for a payment.
type Charge struct {
	OrderID       string // Kios's reference for it: the deposit ticket's code
	Amount        int64
	Method        string // e.g. QRIS, BRIVA; "" for the gateway's first
	CustomerName  string
	CustomerEmail string
	CustomerPhone string
	CallbackURL   string // where the provider should call back, for providers that take one per transaction
	ReturnURL     string
	ExpiresAt     time.Time
}

// Instructions tell the payer how to pay.
type Instructions struct {
	Reference   string // the provider's reference of the payment
	Amount      int64  // what the payer must pay (the provider may add its customer fee)
	Method      string
	PayCode     string // virtual account or payment code
	QRString    string // QRIS payload
	CheckoutURL string
	ExpiresAt   time.Time
}

// Status of a payment as a callback reports it.
type Status string

const (
	Paid     Status = "paid"
	Pending  Status = "pending"
	Failed   Status = "failed"
	Expired  Status = "expired"
	Refunded Status = "refunded"
)

// Notice is what one verified callback says about one payment.
type Notice struct {
	Reference string // the provider's reference (a mutation feed's: the mutation's id)
	OrderID   string // Kios's reference, when the provider echoes it
	Status    Status
	Amount    int64 // paid
	Fee       int64 // the provider's fee on it, when it says
	Method    string
	// Mutation marks a bank mutation, matched to a ticket by its unique amount.
	Mutation bool
	Detail   string // the provider's own status words, for the record
}

// Gateway is one configured provider.
type Gateway interface {
	// Create asks the provider for a payment and returns the payer's instructions.
	Create(ctx context.Context, c Charge) (*Instructions, error)
	// Callback verifies a callback on its raw body and headers, then reads it. A callback that
	// does not verify is ErrSignature and nothing in it was read.
	Callback(ctx context.Context, h http.Header, body []byte) ([]Notice, error)
	// Ack is the answer the provider expects to a callback it need not send again.
	Ack() (contentType, body string)
}

// New returns the adapter for c.Kind.
func New(c Config) (Gateway, error) {
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 20 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	need := func(fields ...string) error {
		for i := 0; i < len(fields); i += 2 {
			if fields[i+1] == "" {
				return fmt.Errorf("%w: %s gateway %s needs %s", ErrConfig, c.Kind, c.Name, fields[i])
			}
		}
		return nil
	}
	var err error
	switch c.Kind {
	case Tripay:
		if err = need("--base-url", c.BaseURL, "--merchant-code", c.MerchantCode, "--api-key", c.APIKey, "--private-key", c.PrivateKey); err == nil {
			return &tripay{c}, nil
		}
	case Midtrans:
		if err = need("--base-url", c.BaseURL, "--server-key", c.ServerKey); err == nil {
			return &midtrans{c}, nil
		}
	case Duitku:
		if err = need("--base-url", c.BaseURL, "--merchant-code", c.MerchantCode, "--api-key", c.APIKey); err == nil {
			return &duitku{c}, nil
		}
	case Xendit:
		if err = need("--base-url", c.BaseURL, "--api-key", c.APIKey, "--callback-token", c.CallbackToken); err == nil {
			return &xendit{c}, nil
		}
	case Moota:
		if err = need("--secret", c.Secret); err == nil {
			return &moota{c}, nil
		}
	case Sandbox:
		if err = need("--private-key", c.PrivateKey); err == nil {
			return &sandbox{tripay{c}}, nil
		}
	default:
		err = fmt.Errorf("%w: unknown kind %q (want %s)", ErrConfig, c.Kind, strings.Join(Kinds, ", "))
	}
	return nil, err
}

// NewSecret returns 32 random bytes in hex: the sandbox's signing key.
func NewSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// HMACSHA256 is hex HMAC-SHA256(msg, key): Tripay's and Moota's signature.
func HMACSHA256(key string, msg []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(msg)
	return hex.EncodeToString(m.Sum(nil))
}

// SHA512Hex is hex SHA-512(s): Midtrans's signature_key.
func SHA512Hex(s string) string {
	sum := sha512.Sum512([]byte(s))
	return hex.EncodeToString(sum[:])
}

// MD5Hex is hex MD5(s): Duitku's signature.
func MD5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// equalHex compares a received hex signature with the expected one in constant time, ignoring
// the case of its letters.
func equalHex(got, want string) bool {
	got = strings.ToLower(strings.TrimSpace(got))
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func equalSecret(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// malformed wraps a reason as ErrMalformed.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// jsonBody checks a callback is JSON (by content type, when given) and decodes it strictly:
// one value, numbers kept as written.
func jsonBody(h http.Header, body []byte, v any) error {
	if ct := h.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/json") {
		return malformed("content type %q, want application/json", ct)
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return malformed("body: %v", err)
	}
	if dec.More() {
		return malformed("body: more than one JSON value")
	}
	return nil
}

// rupiah reads a whole-rupiah amount written as a JSON number or string: "10000", 10000,
// "10000.00" (Midtrans writes two decimals; IDR has none, so anything but .00 is refused).
func rupiah(field string, v any, allowZero bool) (int64, error) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x
	case nil:
		return 0, malformed("%s missing", field)
	default:
		return 0, malformed("%s is %T, want a number", field, v)
	}
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		if strings.Trim(s[i+1:], "0") != "" {
			return 0, malformed("%s %q is not a whole number of rupiah", field, s)
		}
		s = s[:i]
	}
	if s == "" || strings.ContainsAny(s, "+-eE") {
		return 0, malformed("%s %q is not a whole number of rupiah", field, s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > MaxAmount || n < 0 || (n == 0 && !allowZero) {
		return 0, malformed("%s %q out of range", field, s)
	}
	return n, nil
}

// text reads a string field (a JSON string or number), bounded and free of control characters.
func text(field string, v any, required bool) (string, error) {
	var s string
	switch x := v.(type) {
	case nil:
	case string:
		s = x
	case json.Number:
		s = x.String()
	default:
		return "", malformed("%s is %T, want a string", field, v)
	}
	if required && s == "" {
		return "", malformed("%s missing", field)
	}
	if len(s) > 200 {
		return "", malformed("%s longer than 200 bytes", field)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", malformed("%s holds a control character", field)
		}
	}
	return s, nil
}

// doJSON sends a request with a JSON body (nil: none) and decodes a JSON answer into out. A
// transport failure, a 5xx or an unreadable answer is ErrUpstream (nothing is known); a 4xx is
// ErrRefused with the provider's words.
func doJSON(ctx context.Context, client *http.Client, method, url string, header http.Header, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrConfig, err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUpstream, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%w: reading answer: %v", ErrUpstream, err)
	}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return fmt.Errorf("%w: HTTP %d", ErrUpstream, resp.StatusCode)
	}
	if resp.StatusCode >= 400 {
		return fmt.Errorf("%w: HTTP %d: %s", ErrRefused, resp.StatusCode, snippet(raw))
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber() // amounts read as written, never through float64
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%w: answer is not JSON: %s", ErrUpstream, snippet(raw))
	}
	return nil
}

func snippet(b []byte) string {
	s := strings.ToValidUTF8(string(b), "?")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// pickMethod returns the method asked for, or the gateway's first, and refuses one the gateway
// does not offer.
func pickMethod(c Config, m string) (string, error) {
	m = strings.TrimSpace(m)
	if m == "" {
		if len(c.Methods) == 0 {
			return "", fmt.Errorf("%w: gateway %s has no --methods; name one with --method", ErrConfig, c.Name)
		}
		return c.Methods[0], nil
	}
	if len(c.Methods) == 0 {
		return m, nil
	}
	for _, x := range c.Methods {
		if strings.EqualFold(x, m) {
			return x, nil
		}
	}
	return "", fmt.Errorf("%w: method %q (gateway %s offers %s)", ErrMethod, m, c.Name, strings.Join(c.Methods, ", "))
}

// ErrMethod is a payment method the gateway does not offer.
var ErrMethod = errors.New("payment method not offered")

// Errors of the gateway registry and payments.
var (
	ErrGatewayNotFound = errors.New("gateway not found")
	ErrGatewayExists   = errors.New("a gateway with that name already exists")
	ErrPaymentNotFound = errors.New("payment not found")
)

// Filter narrows a listing of payments.
type Filter struct {
	Status     string
	Gateway    string
	ResellerID int64
	Flagged    bool // only payments an operator should look at
	Limit      int  // 0 means 100
}
