// Package reseller holds the reseller type and its credentials: API tokens (random, stored as a
// SHA-256 hash, compared in constant time), api keys for signed dialects, and the IP allowlist.
package reseller

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"
)

// Status of a reseller account.
type Status string

const (
	Active    Status = "active"
	Suspended Status = "suspended"
)

// Reseller is a customer that buys over the API.
type Reseller struct {
	ID          int64
	Username    string
	Name        string
	Email       string
	Phone       string
	Membership  string // price tier
	Status      Status
	TokenHash   string // hex SHA-256 of the bearer token
	APIKey      string // secret for md5/HMAC signs; never logged or shown after creation
	CallbackURL string
	AllowIPs    []netip.Prefix
	CreatedAt   time.Time
	// Slots is how many balance slots beside its own accounts the reseller's balance is split
	// into (0: none), so that several write loops take its orders at once (issue 23,
	// docs/ARCHITECTURE.md "One hot reseller").
	Slots int
}

// Loopback is the allowlist of a reseller created without one: calls from this machine only.
var Loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// Allows reports whether ip may call as this reseller. An empty allowlist means loopback only.
func (r *Reseller) Allows(ip netip.Addr) bool {
	ip = ip.Unmap()
	list := r.AllowIPs
	if len(list) == 0 {
		list = Loopback
	}
	for _, p := range list {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// ParsePrefix accepts a CIDR or a bare address (taken as a /32 or /128).
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			// netip's own words (`netip.ParsePrefix("…")`) are for programmers.
			return netip.Prefix{}, fmt.Errorf("%q is not a CIDR such as 203.0.113.0/24", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address such as 203.0.113.7 or a CIDR such as 203.0.113.0/24", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// NewSecret returns n random bytes as lower-case hex (2n characters).
func NewSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// NewToken returns a bearer token: 40 hex characters (160 bits).
func NewToken() string { return NewSecret(20) }

// NewAPIKey returns an api key for signs: 32 hex characters, like the keys of the dialects Kios
// mirrors.
func NewAPIKey() string { return NewSecret(16) }

// HashToken is how tokens are stored. Tokens carry 160 random bits, so a fast hash is enough: there
// is nothing to brute-force, and lookups stay one indexed read.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// TokenMatches compares a presented token with a stored hash in constant time.
func TokenMatches(token, storedHash string) bool {
	h := HashToken(token)
	return subtle.ConstantTimeCompare([]byte(h), []byte(storedHash)) == 1
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{2,31}$`)

// ValidateUsername checks a username: 3 to 32 of a-z, 0-9, '.', '_', '-'.
func ValidateUsername(u string) error {
	if !usernameRE.MatchString(u) {
		return errors.New("username must be 3 to 32 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit")
	}
	return nil
}

// UsernameFrom derives a username from a display name: "Cishop Indo" -> "cishopindo".
func UsernameFrom(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
		if b.Len() >= 24 {
			break
		}
	}
	u := b.String()
	for len(u) < 3 {
		u += "x"
	}
	return u
}

// Errors of reseller lookups and authentication.
var (
	ErrNotFound      = errors.New("reseller not found")
	ErrUsernameTaken = errors.New("username already taken")
)

// OtomaxMember is a reseller's Otomax "via IP" credentials beside its api key (the password):
// the PIN the sign covers, and whether pin and password may also come in the query.
type OtomaxMember struct {
	ResellerID int64
	PIN        string
	Plain      bool
}

// ErrIdentityTaken is a bind of a text identity (a chat account) already bound to another
// reseller.
var ErrIdentityTaken = errors.New("identity already bound to another reseller")

// TextLimits are the daily limits of text orders (rupiah and orders per Jakarta day).
type TextLimits struct {
	IdentitySpend, IdentityCount int64
	ResellerSpend, ResellerCount int64
}

// CallbackDelivery is one POST to a reseller's callback URL and what it answered.
type CallbackDelivery struct {
	ID         int64     `json:"id"`
	ResellerID int64     `json:"-"`
	Invoice    string    `json:"invoice"`
	URL        string    `json:"url"`
	Status     int       `json:"status"` // HTTP status; 0 when no answer came
	Result     string    `json:"result"` // the error, or the start of the answer's body
	Test       bool      `json:"test"`
	At         time.Time `json:"at"`
}

// Downline is a reseller's place in the downline tree (issue 21): its upline, the default markup
// the upline charges it, and its depth (1 under a top reseller).
type Downline struct {
	ResellerID int64
	UplineID   int64
	Markup     int64
	Depth      int
}

// WithBalance is a row of the reseller list.
type WithBalance struct {
	Reseller
	Balance int64
	Held    int64
}

// Transfer is balance an upline moved to one of its downlines (issue 21). It is written
// in two steps, each under one reseller's lock key (BatchKey never holds two): the upline's
// available balance is debited to the transit account (status TransferTransit, with a
// JobTransfer that lands it), then the downline's is credited from it (TransferDone).
type Transfer struct {
	ID         int64
	UplineID   int64
	DownlineID int64
	Amount     int64
	Reference  string
	Status     string
	Actor      string
	CreatedAt  time.Time
	LandedAt   time.Time
}
