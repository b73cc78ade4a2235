package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/textmsg"
)

// The text channels' tables (migration 00160): PINs, bound identities, the inbox that
// de-duplicates transport messages, the outbox of replies, the record of every text order, the
// operator's daily limits, and the configured transports.

// ErrIdentityTaken is a bind of an identity already bound to another reseller.
var ErrIdentityTaken = reseller.ErrIdentityTaken

// TextIdentity is textmsg.Identity.
type TextIdentity = textmsg.Identity

// TextPinSet sets a reseller's PIN hash.
func (tx *Tx) TextPinSet(ctx context.Context, resellerID int64, hash string) error {
	_, err := tx.exec(ctx, `INSERT INTO text_pins (reseller_id, pin_hash, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (reseller_id) DO UPDATE SET pin_hash = excluded.pin_hash, updated_at = excluded.updated_at`,
		resellerID, hash, micros(tx.now()))
	if err != nil {
		return fmt.Errorf("set reseller %d pin: %w", resellerID, err)
	}
	return nil
}

// TextPinHash is a reseller's PIN hash; ErrNotFound when none was set.
func (q Q) TextPinHash(ctx context.Context, resellerID int64) (string, error) {
	var h string
	err := q.queryRow(ctx, `SELECT pin_hash FROM text_pins WHERE reseller_id = ?`, resellerID).Scan(&h)
	if err != nil {
		return "", notFound(err, fmt.Sprintf("reseller %d pin", resellerID))
	}
	return h, nil
}

// TextIdentityBind binds an identity to a reseller. It returns false when it was bound to that
// reseller already, and ErrIdentityTaken when another reseller has it.
func (tx *Tx) TextIdentityBind(ctx context.Context, channel, extID string, resellerID int64) (bool, error) {
	cur, err := tx.TextIdentityByExt(ctx, channel, extID)
	switch {
	case err == nil && cur.ResellerID == resellerID:
		return false, nil
	case err == nil:
		return false, ErrIdentityTaken
	case !errors.Is(err, ErrNotFound):
		return false, err
	}
	if _, err := tx.exec(ctx, `INSERT INTO text_identities (channel, ext_id, reseller_id, created_at) VALUES (?, ?, ?, ?)`,
		channel, extID, resellerID, micros(tx.now())); err != nil {
		if tx.d.IsUniqueViolation(err) {
			return false, ErrIdentityTaken
		}
		return false, fmt.Errorf("bind %s %s: %w", channel, extID, err)
	}
	return true, nil
}

// TextIdentityUnbind removes a reseller's identity; false when the reseller had no such identity.
func (tx *Tx) TextIdentityUnbind(ctx context.Context, channel, extID string, resellerID int64) (bool, error) {
	res, err := tx.exec(ctx, `DELETE FROM text_identities WHERE channel = ? AND ext_id = ? AND reseller_id = ?`, channel, extID, resellerID)
	if err != nil {
		return false, fmt.Errorf("unbind %s %s: %w", channel, extID, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

const textIdentityCols = `id, channel, ext_id, reseller_id, created_at, pin_failures, locked_until`

func scanTextIdentity(row interface{ Scan(...any) error }) (*TextIdentity, error) {
	var t TextIdentity
	var created, locked int64
	if err := row.Scan(&t.ID, &t.Channel, &t.ExtID, &t.ResellerID, &created, &t.PinFailures, &locked); err != nil {
		return nil, err
	}
	t.CreatedAt, t.LockedUntil = fromMicros(created), fromMicros(locked)
	return &t, nil
}

// TextIdentityByExt finds an identity by its channel and id (ErrNotFound).
func (q Q) TextIdentityByExt(ctx context.Context, channel, extID string) (*TextIdentity, error) {
	t, err := scanTextIdentity(q.queryRow(ctx, `SELECT `+textIdentityCols+` FROM text_identities WHERE channel = ? AND ext_id = ?`, channel, extID))
	if err != nil {
		return nil, notFound(err, "identity "+channel+" "+extID)
	}
	return t, nil
}

// TextIdentities lists a reseller's identities, oldest first.
func (q Q) TextIdentities(ctx context.Context, resellerID int64) ([]TextIdentity, error) {
	rows, err := q.query(ctx, `SELECT `+textIdentityCols+` FROM text_identities WHERE reseller_id = ? ORDER BY id`, resellerID)
	if err != nil {
		return nil, fmt.Errorf("list identities: %w", err)
	}
	defer rows.Close()
	var out []TextIdentity
	for rows.Next() {
		t, err := scanTextIdentity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// TextPinFailed counts a wrong PIN against an identity; the max-th in a row locks it until
// lockUntil (and starts the count again). It returns the failures counted and the lock's end
// (zero when not locked).
func (tx *Tx) TextPinFailed(ctx context.Context, id int64, max int, lockUntil time.Time) (int, time.Time, error) {
	var n int
	var until int64
	err := tx.queryRow(ctx, `UPDATE text_identities SET
			locked_until = CASE WHEN pin_failures + 1 >= ? THEN ? ELSE locked_until END,
			pin_failures = CASE WHEN pin_failures + 1 >= ? THEN 0 ELSE pin_failures + 1 END
		WHERE id = ? RETURNING pin_failures, locked_until`, max, micros(lockUntil), max, id).Scan(&n, &until)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("count pin failure of identity %d: %w", id, err)
	}
	if n == 0 {
		return max, fromMicros(until), nil
	}
	return n, time.Time{}, nil
}

// TextPinOK clears an identity's count of wrong PINs.
func (tx *Tx) TextPinOK(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, `UPDATE text_identities SET pin_failures = 0 WHERE id = ? AND pin_failures <> 0`, id); err != nil {
		return fmt.Errorf("clear pin failures of identity %d: %w", id, err)
	}
	return nil
}

// TextInboxClaim records an inbound message; false when that channel's message id was seen
// before (a redelivery), which is then not run again.
func (tx *Tx) TextInboxClaim(ctx context.Context, channel, messageID, sender, maskedBody string) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO text_inbox (channel, message_id, sender, body, received_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (channel, message_id) DO NOTHING`, channel, messageID, sender, maskedBody, micros(tx.now()))
	if err != nil {
		return false, fmt.Errorf("record message %s %s: %w", channel, messageID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TextOutbox is textmsg.Outbox.
type TextOutbox = textmsg.Outbox

// TextOutboxInsert queues a reply and the textsend job that sends it.
func (tx *Tx) TextOutboxInsert(ctx context.Context, m *TextOutbox) error {
	m.CreatedAt = tx.now()
	err := tx.queryRow(ctx, `INSERT INTO text_outbox (channel, chat, reply_to, body, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		m.Channel, m.Chat, m.ReplyTo, m.Body, micros(m.CreatedAt)).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("queue reply to %s %s: %w", m.Channel, m.Chat, err)
	}
	return tx.JobInsert(ctx, JobTextSend, m.ID, m.CreatedAt)
}

// TextOutboxByID reads a queued reply (ErrNotFound).
func (q Q) TextOutboxByID(ctx context.Context, id int64) (*TextOutbox, error) {
	var m TextOutbox
	var created, sent int64
	err := q.queryRow(ctx, `SELECT id, channel, chat, reply_to, body, created_at, sent_at, last_error FROM text_outbox WHERE id = ?`, id).
		Scan(&m.ID, &m.Channel, &m.Chat, &m.ReplyTo, &m.Body, &created, &sent, &m.LastError)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("reply %d", id))
	}
	m.CreatedAt, m.SentAt = fromMicros(created), fromMicros(sent)
	return &m, nil
}

// TextOutboxDone marks a reply sent (errText "") or given up (errText says why).
func (tx *Tx) TextOutboxDone(ctx context.Context, id int64, errText string) error {
	if len(errText) > 500 {
		errText = errText[:500]
	}
	if _, err := tx.exec(ctx, `UPDATE text_outbox SET sent_at = ?, last_error = ? WHERE id = ?`, micros(tx.now()), errText, id); err != nil {
		return fmt.Errorf("mark reply %d: %w", id, err)
	}
	return nil
}

// TextOutboxEarlierUnsent reports whether a reply to the same chat queued before id is still
// unsent: replies to one chat go out in order (an order's final answer never before its
// acceptance).
func (q Q) TextOutboxEarlierUnsent(ctx context.Context, m *TextOutbox) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM text_outbox WHERE channel = ? AND chat = ? AND id < ? AND sent_at = 0`, m.Channel, m.Chat, m.ID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("earlier replies: %w", err)
	}
	return n > 0, nil
}

// TextOutboxAnswered reports whether a reply to message replyTo of a chat has been queued (the
// newest of the chat's replies are read first: the one looked for is recent).
func (q Q) TextOutboxAnswered(ctx context.Context, channel, chat, replyTo string) (bool, error) {
	var id int64
	err := q.queryRow(ctx, `SELECT id FROM text_outbox WHERE channel = ? AND chat = ? AND reply_to = ? ORDER BY id DESC LIMIT 1`,
		channel, chat, replyTo).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("replies to %s %s %s: %w", channel, chat, replyTo, err)
	}
	return true, nil
}

// TextOutboxList lists the newest replies to a chat (support and tests).
func (q Q) TextOutboxList(ctx context.Context, channel, chat string, limit int) ([]TextOutbox, error) {
	rows, err := q.query(ctx, `SELECT id, channel, chat, reply_to, body, created_at, sent_at, last_error FROM text_outbox
		WHERE channel = ? AND chat = ? ORDER BY id DESC LIMIT ?`, channel, chat, limit)
	if err != nil {
		return nil, fmt.Errorf("list replies: %w", err)
	}
	defer rows.Close()
	var out []TextOutbox
	for rows.Next() {
		var m TextOutbox
		var created, sent int64
		if err := rows.Scan(&m.ID, &m.Channel, &m.Chat, &m.ReplyTo, &m.Body, &created, &sent, &m.LastError); err != nil {
			return nil, err
		}
		m.CreatedAt, m.SentAt = fromMicros(created), fromMicros(sent)
		out = append(out, m)
	}
	return out, rows.Err()
}

// TextOrder is textmsg.Order.
type TextOrder = textmsg.Order

// TextOrderInsert records a text order, in the transaction that accepts it.
func (tx *Tx) TextOrderInsert(ctx context.Context, t *TextOrder) error {
	if _, err := tx.exec(ctx, `INSERT INTO text_orders (order_id, identity_id, reseller_id, channel, chat, message_id, price, day)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.OrderID, t.IdentityID, t.ResellerID, t.Channel, t.Chat, t.MessageID, t.Price, t.Day); err != nil {
		return fmt.Errorf("record text order %d: %w", t.OrderID, err)
	}
	return nil
}

// TextOrderByOrderID reads the record of a text order (ErrNotFound).
func (q Q) TextOrderByOrderID(ctx context.Context, orderID int64) (*TextOrder, error) {
	var t TextOrder
	err := q.queryRow(ctx, `SELECT order_id, identity_id, reseller_id, channel, chat, message_id, price, day FROM text_orders WHERE order_id = ?`, orderID).
		Scan(&t.OrderID, &t.IdentityID, &t.ResellerID, &t.Channel, &t.Chat, &t.MessageID, &t.Price, &t.Day)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("text order %d", orderID))
	}
	return &t, nil
}

// TextUsage is textmsg.Usage.
type TextUsage = textmsg.Usage

// TextUsageOn sums the text orders of an identity and of its reseller on a Jakarta day. Read
// inside the accepting transaction, under the reseller's lock key, so two orders cannot both
// pass a limit that covers one.
func (q Q) TextUsageOn(ctx context.Context, identityID, resellerID int64, day string) (TextUsage, error) {
	var u TextUsage
	err := q.queryRow(ctx, `SELECT
			COALESCE(SUM(CASE WHEN t.identity_id = ? AND o.status <> 'Failed' THEN t.price ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN t.identity_id = ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN o.status <> 'Failed' THEN t.price ELSE 0 END), 0),
			COUNT(*)
		FROM text_orders t JOIN orders o ON o.id = t.order_id WHERE t.reseller_id = ? AND t.day = ?`,
		identityID, identityID, resellerID, day).Scan(&u.IdentitySpend, &u.IdentityCount, &u.ResellerSpend, &u.ResellerCount)
	if err != nil {
		return u, fmt.Errorf("text usage: %w", err)
	}
	return u, nil
}

// TextLimits are reseller.TextLimits.
type TextLimits = reseller.TextLimits

// TextLimitsRow reads the limits row of a reseller (0: the default row); ErrNotFound when the
// operator has set none.
func (q Q) TextLimitsRow(ctx context.Context, resellerID int64) (TextLimits, error) {
	var l TextLimits
	err := q.queryRow(ctx, `SELECT identity_spend, identity_count, reseller_spend, reseller_count FROM text_limits WHERE reseller_id = ?`, resellerID).
		Scan(&l.IdentitySpend, &l.IdentityCount, &l.ResellerSpend, &l.ResellerCount)
	if err != nil {
		return l, notFound(err, fmt.Sprintf("text limits of %d", resellerID))
	}
	return l, nil
}

// TextLimitsSet writes the limits row of a reseller (0: the default row).
func (tx *Tx) TextLimitsSet(ctx context.Context, resellerID int64, l TextLimits) error {
	_, err := tx.exec(ctx, `INSERT INTO text_limits (reseller_id, identity_spend, identity_count, reseller_spend, reseller_count) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (reseller_id) DO UPDATE SET identity_spend = excluded.identity_spend, identity_count = excluded.identity_count,
			reseller_spend = excluded.reseller_spend, reseller_count = excluded.reseller_count`,
		resellerID, l.IdentitySpend, l.IdentityCount, l.ResellerSpend, l.ResellerCount)
	if err != nil {
		return fmt.Errorf("set text limits of %d: %w", resellerID, err)
	}
	return nil
}

// TextDay is textmsg.Day.
type TextDay = textmsg.Day

// TextDayReport counts a reseller's orders (every dialect's, testing excluded) created since a
// time, by outcome.
func (q Q) TextDayReport(ctx context.Context, resellerID int64, since time.Time) (TextDay, error) {
	var d TextDay
	err := q.queryRow(ctx, `SELECT COUNT(*),
			COALESCE(SUM(CASE WHEN status = 'Success' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'Failed' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'Pending' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'Success' THEN price ELSE 0 END), 0)
		FROM orders WHERE reseller_id = ? AND created_at >= ? AND NOT testing`, resellerID, micros(since)).
		Scan(&d.Orders, &d.Success, &d.Failed, &d.Pending, &d.Spend)
	if err != nil {
		return d, fmt.Errorf("day report: %w", err)
	}
	return d, nil
}

// TextChannel is textmsg.Channel.
type TextChannel = textmsg.Channel

// colTextChannelConfig is sealed: a transport's config holds its bot token or password.
const colTextChannelConfig = "text_channels.config"

// TextChannelPut adds or replaces the transport of a kind.
func (tx *Tx) TextChannelPut(ctx context.Context, kind, config string) error {
	config, err := tx.seal(config, colTextChannelConfig)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO text_channels (kind, config, enabled, created_at) VALUES (?, ?, TRUE, ?)
		ON CONFLICT (kind) DO UPDATE SET config = excluded.config, enabled = TRUE`, kind, config, micros(tx.now()))
	if err != nil {
		return fmt.Errorf("save channel %s: %w", kind, err)
	}
	return nil
}

// TextChannelRemove removes the transport of a kind; false when there was none.
func (tx *Tx) TextChannelRemove(ctx context.Context, kind string) (bool, error) {
	res, err := tx.exec(ctx, `DELETE FROM text_channels WHERE kind = ?`, kind)
	if err != nil {
		return false, fmt.Errorf("remove channel %s: %w", kind, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// TextChannels lists the configured transports.
func (q Q) TextChannels(ctx context.Context) ([]TextChannel, error) {
	rows, err := q.query(ctx, `SELECT kind, config, enabled, created_at FROM text_channels ORDER BY kind`)
	if err != nil {
		return nil, fmt.Errorf("list channels: %w", err)
	}
	defer rows.Close()
	var out []TextChannel
	for rows.Next() {
		var c TextChannel
		var created int64
		if err := rows.Scan(&c.Kind, &c.Config, &c.Enabled, &created); err != nil {
			return nil, err
		}
		c.CreatedAt = fromMicros(created)
		if c.Config, err = q.open(c.Config, colTextChannelConfig); err != nil {
			return nil, fmt.Errorf("channel %s: %w", c.Kind, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
