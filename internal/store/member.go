package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
)

// Realm names a kind of browser session: the admin dashboard's or the member area's. Each has its
// own table; what they share (flash messages) is written once here.
type Realm string

// The session realms.
const (
	RealmAdmin  Realm = "admin"
	RealmMember Realm = "member"
)

func (r Realm) table() string {
	if r == RealmMember {
		return "member_sessions"
	}
	return "admin_sessions"
}

// SessionFlashSet leaves a message for the next page the session sees.
func (tx *Tx) SessionFlashSet(ctx context.Context, realm Realm, idHash, msg string) error {
	if _, err := tx.exec(ctx, `UPDATE `+realm.table()+` SET flash = ? WHERE id_hash = ?`, msg, idHash); err != nil {
		return fmt.Errorf("set %s flash: %w", realm, err)
	}
	return nil
}

// SessionFlashTake returns the session's message and clears it ("" when there is none).
func (tx *Tx) SessionFlashTake(ctx context.Context, realm Realm, idHash string) (string, error) {
	var msg string
	err := tx.queryRow(ctx, `SELECT flash FROM `+realm.table()+` WHERE id_hash = ?`, idHash).Scan(&msg)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && msg == "") {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("take %s flash: %w", realm, err)
	}
	if _, err := tx.exec(ctx, `UPDATE `+realm.table()+` SET flash = '' WHERE id_hash = ?`, idHash); err != nil {
		return "", fmt.Errorf("take %s flash: %w", realm, err)
	}
	return msg, nil
}

// SessionHasFlash reports whether a session has a message waiting, so that pages without one
// need no write.
func (q Q) SessionHasFlash(ctx context.Context, realm Realm, idHash string) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM `+realm.table()+` WHERE id_hash = ? AND flash <> ''`, idHash).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("%s flash: %w", realm, err)
	}
	return n > 0, nil
}

// ResellerLoginSet sets a reseller's member-area password hash and ends its sessions, all but
// keep (the hash of the session that made the change; "" ends them all).
func (tx *Tx) ResellerLoginSet(ctx context.Context, resellerID int64, hash, keep string) error {
	now := micros(tx.now())
	_, err := tx.exec(ctx, `INSERT INTO reseller_logins (reseller_id, password_hash, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (reseller_id) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at`,
		resellerID, hash, now)
	if err != nil {
		return fmt.Errorf("set reseller %d password: %w", resellerID, err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM member_sessions WHERE reseller_id = ? AND id_hash <> ?`, resellerID, keep); err != nil {
		return fmt.Errorf("end reseller %d sessions: %w", resellerID, err)
	}
	return nil
}

// ResellerLoginHash is a reseller's member-area password hash; ErrNotFound when none was set.
func (q Q) ResellerLoginHash(ctx context.Context, resellerID int64) (string, error) {
	var h string
	err := q.queryRow(ctx, `SELECT password_hash FROM reseller_logins WHERE reseller_id = ?`, resellerID).Scan(&h)
	if err != nil {
		return "", notFound(err, fmt.Sprintf("reseller %d password", resellerID))
	}
	return h, nil
}

// MemberSessionInsert records a member-area session by the hash of its id.
func (tx *Tx) MemberSessionInsert(ctx context.Context, idHash string, resellerID int64, expires time.Time) error {
	if _, err := tx.exec(ctx, `INSERT INTO member_sessions (id_hash, reseller_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		idHash, resellerID, micros(tx.now()), micros(expires)); err != nil {
		return fmt.Errorf("insert member session: %w", err)
	}
	// Sweeping expired sessions here keeps the table small without a background job.
	if _, err := tx.exec(ctx, `DELETE FROM member_sessions WHERE expires_at < ?`, micros(tx.now())); err != nil {
		return fmt.Errorf("sweep member sessions: %w", err)
	}
	return nil
}

// MemberSessionDelete ends a member-area session.
func (tx *Tx) MemberSessionDelete(ctx context.Context, idHash string) error {
	if _, err := tx.exec(ctx, `DELETE FROM member_sessions WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("delete member session: %w", err)
	}
	return nil
}

// MemberSessionReseller is the reseller of an unexpired member-area session (ErrNotFound).
func (q Q) MemberSessionReseller(ctx context.Context, idHash string) (int64, error) {
	var id int64
	err := q.queryRow(ctx, `SELECT reseller_id FROM member_sessions WHERE id_hash = ? AND expires_at > ?`, idHash, micros(q.now())).Scan(&id)
	if err != nil {
		return 0, notFound(err, "member session")
	}
	return id, nil
}

// TOTP is a subject's time-based one-time password secret ("admin:ID", "reseller:ID").
type TOTP struct {
	Subject  string
	Secret   string // base32
	Enabled  bool   // false while waiting for the first code that confirms it
	LastStep int64
}

const colTOTPSecret = "totp_secrets.secret"

// TOTPGet finds a subject's secret (ErrNotFound).
func (q Q) TOTPGet(ctx context.Context, subject string) (*TOTP, error) {
	t := TOTP{Subject: subject}
	err := q.queryRow(ctx, `SELECT secret, enabled, last_step FROM totp_secrets WHERE subject = ?`, subject).Scan(&t.Secret, &t.Enabled, &t.LastStep)
	if err != nil {
		return nil, notFound(err, "totp of "+subject)
	}
	if t.Secret, err = q.open(t.Secret, colTOTPSecret); err != nil {
		return nil, fmt.Errorf("totp of %s: %w", subject, err)
	}
	return &t, nil
}

// TOTPPut stores a new, not yet enabled secret for subject, replacing any pending one. An enabled
// secret is left alone (ErrTOTPEnabled): it must be turned off first.
func (tx *Tx) TOTPPut(ctx context.Context, subject, secret string) error {
	secret, err := tx.seal(secret, colTOTPSecret)
	if err != nil {
		return err
	}
	res, err := tx.exec(ctx, `INSERT INTO totp_secrets (subject, secret, enabled, last_step, created_at) VALUES (?, ?, FALSE, 0, ?)
		ON CONFLICT (subject) DO UPDATE SET secret = excluded.secret, last_step = 0 WHERE NOT totp_secrets.enabled`,
		subject, secret, micros(tx.now()))
	if err != nil {
		return fmt.Errorf("put totp of %s: %w", subject, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrTOTPEnabled
	}
	return nil
}

// ErrTOTPEnabled is returned when setting up two-factor login for a subject that has it on.
var ErrTOTPEnabled = errors.New("two-factor login is already on")

// TOTPUseStep records that the code of step was used, enabling the secret if it was pending. It
// returns false when a code of this step or a later one was used already (a replay).
func (tx *Tx) TOTPUseStep(ctx context.Context, subject string, step int64) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE totp_secrets SET last_step = ?, enabled = TRUE WHERE subject = ? AND last_step < ?`, step, subject, step)
	if err != nil {
		return false, fmt.Errorf("use totp of %s: %w", subject, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TOTPDelete turns two-factor login off for subject, with its recovery codes.
func (tx *Tx) TOTPDelete(ctx context.Context, subject string) error {
	if _, err := tx.exec(ctx, `DELETE FROM totp_secrets WHERE subject = ?`, subject); err != nil {
		return fmt.Errorf("delete totp of %s: %w", subject, err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM recovery_codes WHERE subject = ?`, subject); err != nil {
		return fmt.Errorf("delete recovery codes of %s: %w", subject, err)
	}
	return nil
}

// RecoveryCodesSet replaces subject's recovery codes (by their hashes).
func (tx *Tx) RecoveryCodesSet(ctx context.Context, subject string, hashes []string) error {
	if _, err := tx.exec(ctx, `DELETE FROM recovery_codes WHERE subject = ?`, subject); err != nil {
		return fmt.Errorf("replace recovery codes of %s: %w", subject, err)
	}
	for _, h := range hashes {
		if _, err := tx.exec(ctx, `INSERT INTO recovery_codes (subject, code_hash) VALUES (?, ?)`, subject, h); err != nil {
			return fmt.Errorf("insert recovery code of %s: %w", subject, err)
		}
	}
	return nil
}

// RecoveryCodeUse spends a recovery code; false when it is unknown or used.
func (tx *Tx) RecoveryCodeUse(ctx context.Context, subject, hash string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE recovery_codes SET used_at = ? WHERE subject = ? AND code_hash = ? AND used_at = 0`,
		micros(tx.now()), subject, hash)
	if err != nil {
		return false, fmt.Errorf("use recovery code of %s: %w", subject, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RecoveryCodesLeft counts subject's unused recovery codes.
func (q Q) RecoveryCodesLeft(ctx context.Context, subject string) (int, error) {
	var n int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE subject = ? AND used_at = 0`, subject).Scan(&n); err != nil {
		return 0, fmt.Errorf("count recovery codes of %s: %w", subject, err)
	}
	return n, nil
}

// CallbackDelivery is one POST to a reseller's callback URL and what it answered (package
// reseller).
type CallbackDelivery = reseller.CallbackDelivery

// callbackDeliveriesKept is how many deliveries are kept per reseller.
const callbackDeliveriesKept = 50

// CallbackDeliveryInsert records a delivery and forgets the reseller's oldest beyond the last 50.
func (tx *Tx) CallbackDeliveryInsert(ctx context.Context, d *CallbackDelivery) error {
	d.At = tx.now()
	if len(d.Result) > 500 {
		d.Result = strings.ToValidUTF8(d.Result[:500], "")
	}
	err := tx.queryRow(ctx, `INSERT INTO callback_deliveries (reseller_id, invoice, url, status, result, test, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.ResellerID, d.Invoice, d.URL, d.Status, d.Result, d.Test, micros(d.At)).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("insert callback delivery: %w", err)
	}
	_, err = tx.exec(ctx, `DELETE FROM callback_deliveries WHERE reseller_id = ? AND id < (SELECT id FROM callback_deliveries
		WHERE reseller_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`, d.ResellerID, d.ResellerID, callbackDeliveriesKept-1)
	if err != nil {
		return fmt.Errorf("prune callback deliveries: %w", err)
	}
	return nil
}

// CallbackDeliveries lists a reseller's latest deliveries, newest first.
func (q Q) CallbackDeliveries(ctx context.Context, resellerID int64, limit int) ([]CallbackDelivery, error) {
	rows, err := q.query(ctx, `SELECT id, reseller_id, invoice, url, status, result, test, at FROM callback_deliveries
		WHERE reseller_id = ? ORDER BY id DESC LIMIT ?`, resellerID, limit)
	if err != nil {
		return nil, fmt.Errorf("list callback deliveries: %w", err)
	}
	defer rows.Close()
	var out []CallbackDelivery
	for rows.Next() {
		var d CallbackDelivery
		var at int64
		if err := rows.Scan(&d.ID, &d.ResellerID, &d.Invoice, &d.URL, &d.Status, &d.Result, &d.Test, &at); err != nil {
			return nil, err
		}
		d.At = fromMicros(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// ResellerPostings lists the postings on a reseller's available and held accounts made at or
// after since, newest first, at most limit. A reseller with balance slots (issue 23) has its
// slots' postings shown as its own accounts' (their codes without the slot), and the moves
// between its own slots, which change neither balance, left out.
func (q Q) ResellerPostings(ctx context.Context, resellerID int64, since time.Time, limit int) ([]ledger.Posting, error) {
	codes, err := q.texts(ctx, fmt.Sprintf("reseller %d accounts", resellerID),
		`SELECT code FROM accounts WHERE reseller_id = ? AND kind IN ('available', 'held') ORDER BY id`, resellerID)
	if err != nil {
		return nil, err
	}
	if len(codes) == 0 {
		codes = []string{availableCode(resellerID), heldCode(resellerID)}
	}
	in := strings.TrimSuffix(strings.Repeat("?, ", len(codes)), ", ")
	args := make([]any, 0, 2*len(codes)+2)
	for range 2 {
		for _, c := range codes {
			args = append(args, c)
		}
	}
	args = append(args, micros(since), limit)
	ps, err := q.postings(ctx, `SELECT `+postingColumns+` `+postingJoins+`
		WHERE (s.code IN (`+in+`) OR d.code IN (`+in+`)) AND `+postingAt+` >= ? ORDER BY p.id DESC LIMIT ?`, args...)
	if err != nil || len(codes) <= 2 {
		return ps, err
	}
	out := ps[:0]
	for _, p := range ps {
		p.SourceCode, p.DestCode = withoutSlot(p.SourceCode), withoutSlot(p.DestCode)
		if p.SourceCode != p.DestCode {
			out = append(out, p)
		}
	}
	return out, nil
}

// withoutSlot is a reseller's account code without its balance slot: the account whose balance
// the slot is part of.
func withoutSlot(code string) string {
	if slotOfCode(code) == 0 {
		return code
	}
	return code[:strings.LastIndexByte(code, ':')]
}

// ResellerOrderFilter selects one reseller's orders (package order).
type ResellerOrderFilter = order.ResellerFilter

// ResellerOrders lists one reseller's orders, newest first.
func (q Q) ResellerOrders(ctx context.Context, f ResellerOrderFilter) ([]order.Order, error) {
	conds := []string{"reseller_id = ?"}
	args := []any{f.ResellerID}
	if f.Search != "" {
		inv, invArgs := q.invoiceIs("invoice", f.Search)
		conds = append(conds, "("+inv+" OR reference = ? OR destination = ? OR sn = ?)")
		args = append(append(args, invArgs...), f.Search, f.Search, f.Search)
	}
	if f.Status != "" {
		conds = append(conds, "status = ?")
		args = append(args, string(f.Status))
	}
	if !f.From.IsZero() {
		conds = append(conds, "created_at >= ?")
		args = append(args, micros(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, "created_at < ?")
		args = append(args, micros(f.To))
	}
	if f.Before > 0 {
		conds = append(conds, "id < ?")
		args = append(args, f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(args, limit)
	rows, err := q.query(ctx, `SELECT `+orderCols+` FROM orders WHERE `+strings.Join(conds, " AND ")+` ORDER BY id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list reseller orders: %w", err)
	}
	defer rows.Close()
	var out []order.Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// ResellerDaySummary counts a reseller's orders created since a time and sums the prices of those
// that succeeded (testing orders excluded, as everywhere money is counted).
func (q Q) ResellerDaySummary(ctx context.Context, resellerID int64, since time.Time) (orders, spend int64, err error) {
	err = q.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'Success' THEN price ELSE 0 END), 0)
		FROM orders WHERE reseller_id = ? AND created_at >= ? AND NOT testing`, resellerID, micros(since)).Scan(&orders, &spend)
	if err != nil {
		return 0, 0, fmt.Errorf("reseller day summary: %w", err)
	}
	return orders, spend, nil
}
