// Package textmsg holds the text channels' records as the core's callers see them: a chat
// identity bound to a reseller, a queued reply, the record of a text order, a day's usage and
// report, a configured transport. The store keeps them; package textcmd works on them through
// core services.
package textmsg

import "time"

// Identity is an identity on a channel bound to a reseller.
type Identity struct {
	ID          int64
	Channel     string // telegram, jabber, whatsapp
	ExtID       string // the channel's id of the sender
	ResellerID  int64
	CreatedAt   time.Time
	PinFailures int
	LockedUntil time.Time
}

// Outbox is one reply to send.
type Outbox struct {
	ID        int64
	Channel   string // the transport's kind
	Chat      string // where to send it
	ReplyTo   string // the message it answers ("" for none)
	Body      string
	CreatedAt time.Time
	SentAt    time.Time
	LastError string
}

// Order is the text channel's record of one of its orders.
type Order struct {
	OrderID    int64
	IdentityID int64
	ResellerID int64
	Channel    string
	Chat       string
	MessageID  string
	Price      int64
	Day        string
}

// Usage is what an identity and its reseller have ordered in text on one day: counts of all
// orders, spend of those not failed.
type Usage struct {
	IdentitySpend, IdentityCount int64
	ResellerSpend, ResellerCount int64
}

// Day is one reseller's orders since a time, by outcome.
type Day struct {
	Orders, Success, Failed, Pending int64
	Spend                            int64 // prices of the successful ones
}

// Channel is a configured transport.
type Channel struct {
	Kind      string
	Config    string // JSON; holds secrets
	Enabled   bool
	CreatedAt time.Time
}
