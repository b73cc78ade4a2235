// Package deposit holds deposit tickets and bank statements. A reseller asks to deposit an amount;
// Kios answers with a ticket whose amount is the request plus a unique tail (no two open tickets
// share an amount), so that a transfer seen on the bank statement names its ticket by its amount
// alone. An operator approves a ticket, or a statement import matches it; either way the balance
// is credited once (package core). Open tickets expire after Lifetime.
package deposit

import (
	"crypto/rand"
	"errors"
	"time"
)

// Status of a ticket. Open becomes exactly one of the others, once; an expired ticket may still be
// approved by an operator who sees its money arrive late.
type Status string

const (
	Open     Status = "open"
	Approved Status = "approved"
	Rejected Status = "rejected"
	Expired  Status = "expired"
)

// Rules of tickets.
const (
	// Lifetime is how long a ticket stays open.
	Lifetime = 24 * time.Hour
	// MaxTail is the largest unique tail added to a requested amount (1..MaxTail rupiah).
	MaxTail = 999
	// MinAmount and MaxAmount bound a requested amount.
	MinAmount = 10_000
	MaxAmount = 1_000_000_000_000
	// MaxOpenPerReseller bounds a reseller's open tickets, so that one reseller cannot take every
	// tail of a common amount.
	MaxOpenPerReseller = 5
)

// Ticket is one deposit request.
type Ticket struct {
	ID         int64
	Code       string // shown to operators and put in the transfer note, e.g. "DEP-7Q3M9ZK2"
	ResellerID int64
	Username   string // the reseller's, filled by listings
	Requested  int64
	Amount     int64 // Requested plus the unique tail: what must be transferred
	Bank       string
	OwnerName  string
	Notes      string
	Status     Status
	SettledBy  string // "operator", "statement:<line>", "expiry"
	CreatedAt  time.Time
	ExpiresAt  time.Time
	SettledAt  time.Time
}

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewCode returns a ticket code: "DEP-" and 8 Crockford base32 characters (40 random bits).
func NewCode() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	out := []byte("DEP-")
	for _, c := range b {
		out = append(out, crockford[c&31])
	}
	return string(out)
}

// Errors of tickets.
var (
	ErrAmount       = errors.New("amount must be a whole number of rupiah between 10000 and 1000000000000")
	ErrNoFreeAmount = errors.New("every unique amount near this one is held by an open ticket; try another amount")
	ErrTooManyOpen  = errors.New("too many open deposit tickets; transfer or wait for them to expire")
	ErrNotFound     = errors.New("deposit ticket not found")
	ErrSettled      = errors.New("deposit ticket already settled")
)

// Filter narrows a listing of tickets.
type Filter struct {
	Status     Status // "" for all
	ResellerID int64  // 0 for all
	Limit      int    // 0 means 100
}
