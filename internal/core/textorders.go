package core

import (
	"context"
	"errors"
	"time"

	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/textmsg"
)

// What the text channels (package textcmd) read and write: identities and PINs, the inbox and
// outbox, the record of their orders. The store's, through the core (issue 16 item 2). Writes
// about one reseller's identities run under its lock key, as its orders do.

// ErrTextLimit refuses a text order over one of its daily limits (PlaceParams.Text).
var ErrTextLimit = errors.New("daily text limit reached")

// TextPlace is what the text channel records with an order it places (PlaceParams.Text).
type TextPlace struct {
	// Identity is the bound identity that sent the order; Channel, Chat and MessageID where
	// the order came from (its final answer goes back there).
	Identity      int64
	Channel, Chat string
	MessageID     string
	Limits        reseller.TextLimits // ErrTextLimit when the order would pass one
	Audit         audit.Entry         // its Target is set to the order's
}

// inTx is the accepting transaction's step of t, followed by then (either may be nil).
func (t *TextPlace) inTx(then func(context.Context, *store.Tx, *order.Order) error) func(context.Context, *store.Tx, *order.Order) error {
	if t == nil {
		return then
	}
	return func(ctx context.Context, tx *store.Tx, o *order.Order) error {
		u, err := tx.TextUsageOn(ctx, t.Identity, o.ResellerID, o.Day)
		if err != nil {
			return err
		}
		lim := t.Limits
		if u.IdentityCount+1 > lim.IdentityCount || u.ResellerCount+1 > lim.ResellerCount ||
			u.IdentitySpend+o.Price > lim.IdentitySpend || u.ResellerSpend+o.Price > lim.ResellerSpend {
			return ErrTextLimit
		}
		if err := tx.TextOrderInsert(ctx, &textmsg.Order{OrderID: o.ID, IdentityID: t.Identity, ResellerID: o.ResellerID, Channel: t.Channel,
			Chat: t.Chat, MessageID: t.MessageID, Price: o.Price, Day: o.Day}); err != nil {
			return err
		}
		e := t.Audit
		e.Target = "order:" + o.Invoice
		if err := tx.AuditInsert(ctx, &e); err != nil {
			return err
		}
		if then != nil {
			return then(ctx, tx, o)
		}
		return nil
	}
}

// ClaimTextInbox records an inbound message by its transport's id; false when it was seen
// before (a redelivery, not to be run again).
func (s *Service) ClaimTextInbox(ctx context.Context, channel, messageID, sender, maskedBody string) (bool, error) {
	var fresh bool
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		var err error
		fresh, err = tx.TextInboxClaim(ctx, channel, messageID, sender, maskedBody)
		return err
	})
	return fresh, err
}

// QueueText puts a reply in the outbox (the text sender's job with it).
func (s *Service) QueueText(ctx context.Context, m textmsg.Outbox) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.TextOutboxInsert(ctx, &m) })
}

// EndTextFinal puts a settled order's final answer in the outbox and ends the job that asked for
// it, in one transaction.
func (s *Service) EndTextFinal(ctx context.Context, jobID int64, m textmsg.Outbox) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		if err := tx.TextOutboxInsert(ctx, &m); err != nil {
			return err
		}
		return tx.JobDelete(ctx, jobID)
	})
}

// EndTextSend marks an outbox reply done (errText: why it was abandoned, "" when sent) and ends
// its job, in one transaction.
func (s *Service) EndTextSend(ctx context.Context, jobID, outboxID int64, errText string) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		if err := tx.TextOutboxDone(ctx, outboxID, errText); err != nil {
			return err
		}
		return tx.JobDelete(ctx, jobID)
	})
}

// TextOutboxByID reads a queued reply (ErrNotFound).
func (s *Service) TextOutboxByID(ctx context.Context, id int64) (*textmsg.Outbox, error) {
	return s.db.TextOutboxByID(ctx, id)
}

// TextOutboxEarlierUnsent reports whether an earlier reply to m's chat is still unsent.
func (s *Service) TextOutboxEarlierUnsent(ctx context.Context, m *textmsg.Outbox) (bool, error) {
	return s.db.TextOutboxEarlierUnsent(ctx, m)
}

// TextAnswered reports whether a reply to a chat's message has been queued (an order's
// acceptance, before which its final answer waits).
func (s *Service) TextAnswered(ctx context.Context, channel, chat, messageID string) (bool, error) {
	return s.db.TextOutboxAnswered(ctx, channel, chat, messageID)
}

// TextOrderByOrderID is the text channel's record of an order (ErrNotFound for an order not
// taken through a chat).
func (s *Service) TextOrderByOrderID(ctx context.Context, orderID int64) (*textmsg.Order, error) {
	return s.db.TextOrderByOrderID(ctx, orderID)
}

// TextIdentityByExt finds the identity of a sender on a channel (ErrNotFound when unbound).
func (s *Service) TextIdentityByExt(ctx context.Context, channel, extID string) (*textmsg.Identity, error) {
	return s.db.TextIdentityByExt(ctx, channel, extID)
}

// TextIdentities lists a reseller's bound identities.
func (s *Service) TextIdentities(ctx context.Context, resellerID int64) ([]textmsg.Identity, error) {
	return s.db.TextIdentities(ctx, resellerID)
}

// BindTextIdentity binds an identity to a reseller; false when it was bound to it already,
// reseller.ErrIdentityTaken when another reseller has it.
func (s *Service) BindTextIdentity(ctx context.Context, resellerID int64, channel, extID string) (bool, error) {
	var created bool
	err := s.inReseller(ctx, resellerID, func(tx *store.Tx) error {
		var err error
		created, err = tx.TextIdentityBind(ctx, channel, extID, resellerID)
		return err
	})
	return created, err
}

// UnbindTextIdentity removes a reseller's identity; false when it had no such identity.
func (s *Service) UnbindTextIdentity(ctx context.Context, resellerID int64, channel, extID string) (bool, error) {
	var gone bool
	err := s.inReseller(ctx, resellerID, func(tx *store.Tx) error {
		var err error
		gone, err = tx.TextIdentityUnbind(ctx, channel, extID, resellerID)
		return err
	})
	return gone, err
}

// TextPinHash is the bcrypt hash of a reseller's text PIN (ErrNotFound when none is set).
func (s *Service) TextPinHash(ctx context.Context, resellerID int64) (string, error) {
	return s.db.TextPinHash(ctx, resellerID)
}

// SetTextPin sets a reseller's text PIN hash.
func (s *Service) SetTextPin(ctx context.Context, resellerID int64, hash string) error {
	return s.inReseller(ctx, resellerID, func(tx *store.Tx) error { return tx.TextPinSet(ctx, resellerID, hash) })
}

// TextPinOK clears an identity's count of wrong PINs.
func (s *Service) TextPinOK(ctx context.Context, resellerID, identityID int64) error {
	return s.inReseller(ctx, resellerID, func(tx *store.Tx) error { return tx.TextPinOK(ctx, identityID) })
}

// TextPinFailed counts a wrong PIN against an identity, locking it until lockUntil at max; it
// returns the count and, when locked, until when.
func (s *Service) TextPinFailed(ctx context.Context, resellerID, identityID int64, max int, lockUntil time.Time) (int, time.Time, error) {
	var n int
	var until time.Time
	err := s.inReseller(ctx, resellerID, func(tx *store.Tx) error {
		var err error
		n, until, err = tx.TextPinFailed(ctx, identityID, max, lockUntil)
		return err
	})
	return n, until, err
}

// TextDayReport sums a reseller's orders since a time, by outcome.
func (s *Service) TextDayReport(ctx context.Context, resellerID int64, since time.Time) (textmsg.Day, error) {
	return s.db.TextDayReport(ctx, resellerID, since)
}
