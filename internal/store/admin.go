package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/operator"
	"github.com/kios-h2h/kios/internal/order"
)

// AdminUser is a person who runs the distributor through the admin API and dashboard (package
// operator).
type AdminUser = operator.Admin

// AdminToken is an API token an admin made for scripts (package operator).
type AdminToken = operator.Token

// AuditEntry is audit.Entry, the name the store's writes were made with.
type AuditEntry = audit.Entry

// Errors of the admin tables (package operator).
var (
	ErrAdminTaken    = operator.ErrTaken
	ErrAdminNotFound = operator.ErrNotFound
)

// AdminUserInsert creates an admin and sets its id. It returns ErrAdminTaken for a used username.
func (tx *Tx) AdminUserInsert(ctx context.Context, u *AdminUser) error {
	now := tx.now()
	// ON CONFLICT DO NOTHING keeps a PostgreSQL savepoint usable when the name is taken.
	err := tx.queryRow(ctx, `INSERT INTO admin_users (username, password_hash, disabled, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (username) DO NOTHING RETURNING id`, u.Username, u.PasswordHash, u.Disabled, micros(now)).Scan(&u.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("insert admin %s: %w", u.Username, ErrAdminTaken)
	}
	if err != nil {
		return fmt.Errorf("insert admin %s: %w", u.Username, err)
	}
	u.CreatedAt = now
	return nil
}

// AdminUserSetPassword replaces an admin's password hash and ends its sessions.
func (tx *Tx) AdminUserSetPassword(ctx context.Context, id int64, hash string) error {
	res, err := tx.exec(ctx, `UPDATE admin_users SET password_hash = ? WHERE id = ?`, hash, id)
	if err != nil {
		return fmt.Errorf("set admin %d password: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrAdminNotFound
	}
	if _, err := tx.exec(ctx, `DELETE FROM admin_sessions WHERE user_id = ?`, id); err != nil {
		return fmt.Errorf("end admin %d sessions: %w", id, err)
	}
	return nil
}

// AdminUserSetDisabled disables an admin (its sessions end; its API tokens stop working while it
// stays disabled) or enables it again.
func (tx *Tx) AdminUserSetDisabled(ctx context.Context, id int64, disabled bool) error {
	res, err := tx.exec(ctx, `UPDATE admin_users SET disabled = ? WHERE id = ?`, disabled, id)
	if err != nil {
		return fmt.Errorf("set admin %d disabled: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrAdminNotFound
	}
	if disabled {
		if _, err := tx.exec(ctx, `DELETE FROM admin_sessions WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("end admin %d sessions: %w", id, err)
		}
	}
	return nil
}

const adminUserCols = `id, username, password_hash, disabled, created_at`

func scanAdminUser(row interface{ Scan(...any) error }) (*AdminUser, error) {
	var u AdminUser
	var created int64
	if err := row.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.Disabled, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = fromMicros(created)
	return &u, nil
}

// AdminUserByUsername finds an admin (ErrAdminNotFound).
func (q Q) AdminUserByUsername(ctx context.Context, username string) (*AdminUser, error) {
	u, err := scanAdminUser(q.queryRow(ctx, `SELECT `+adminUserCols+` FROM admin_users WHERE username = ?`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrAdminNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get admin %s: %w", username, err)
	}
	return u, nil
}

// AdminUsers lists the admins by username.
func (q Q) AdminUsers(ctx context.Context) ([]AdminUser, error) {
	rows, err := q.query(ctx, `SELECT `+adminUserCols+` FROM admin_users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list admins: %w", err)
	}
	defer rows.Close()
	var out []AdminUser
	for rows.Next() {
		u, err := scanAdminUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// AdminSessionInsert records a session by the hash of its id.
func (tx *Tx) AdminSessionInsert(ctx context.Context, idHash string, userID int64, expires time.Time) error {
	if _, err := tx.exec(ctx, `INSERT INTO admin_sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		idHash, userID, micros(tx.now()), micros(expires)); err != nil {
		return fmt.Errorf("insert admin session: %w", err)
	}
	// Sweeping expired sessions here keeps the table small without a background job.
	if _, err := tx.exec(ctx, `DELETE FROM admin_sessions WHERE expires_at < ?`, micros(tx.now())); err != nil {
		return fmt.Errorf("sweep admin sessions: %w", err)
	}
	return nil
}

// AdminSessionDelete ends a session.
func (tx *Tx) AdminSessionDelete(ctx context.Context, idHash string) error {
	if _, err := tx.exec(ctx, `DELETE FROM admin_sessions WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("delete admin session: %w", err)
	}
	return nil
}

// AdminSessionUser finds the enabled admin an unexpired session belongs to (ErrAdminNotFound).
func (q Q) AdminSessionUser(ctx context.Context, idHash string) (*AdminUser, error) {
	u, err := scanAdminUser(q.queryRow(ctx, `SELECT u.id, u.username, u.password_hash, u.disabled, u.created_at
		FROM admin_sessions s JOIN admin_users u ON u.id = s.user_id
		WHERE s.id_hash = ? AND s.expires_at > ? AND NOT u.disabled`, idHash, micros(q.now())))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrAdminNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get admin session: %w", err)
	}
	return u, nil
}

// AdminTokenInsert records an API token by its hash and sets its id.
func (tx *Tx) AdminTokenInsert(ctx context.Context, t *AdminToken) error {
	now := tx.now()
	err := tx.queryRow(ctx, `INSERT INTO admin_tokens (name, token_hash, user_id, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		t.Name, t.TokenHash, t.UserID, micros(now)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("insert admin token %s: %w", t.Name, err)
	}
	t.CreatedAt = now
	return nil
}

// AdminTokenDelete revokes a token; false when there was none with that id.
func (tx *Tx) AdminTokenDelete(ctx context.Context, id int64) (bool, error) {
	res, err := tx.exec(ctx, `DELETE FROM admin_tokens WHERE id = ?`, id)
	if err != nil {
		return false, fmt.Errorf("delete admin token %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const adminTokenCols = `t.id, t.name, t.token_hash, t.user_id, u.username, t.created_at`

func scanAdminToken(row interface{ Scan(...any) error }) (*AdminToken, error) {
	var t AdminToken
	var created int64
	if err := row.Scan(&t.ID, &t.Name, &t.TokenHash, &t.UserID, &t.Username, &created); err != nil {
		return nil, err
	}
	t.CreatedAt = fromMicros(created)
	return &t, nil
}

// AdminTokenByHash finds a token of an enabled admin by its hash (ErrAdminNotFound).
func (q Q) AdminTokenByHash(ctx context.Context, hash string) (*AdminToken, error) {
	t, err := scanAdminToken(q.queryRow(ctx, `SELECT `+adminTokenCols+` FROM admin_tokens t JOIN admin_users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND NOT u.disabled`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrAdminNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get admin token: %w", err)
	}
	return t, nil
}

// AdminTokens lists the API tokens, newest first.
func (q Q) AdminTokens(ctx context.Context) ([]AdminToken, error) {
	rows, err := q.query(ctx, `SELECT `+adminTokenCols+` FROM admin_tokens t JOIN admin_users u ON u.id = t.user_id ORDER BY t.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list admin tokens: %w", err)
	}
	defer rows.Close()
	var out []AdminToken
	for rows.Next() {
		t, err := scanAdminToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// AuditInsert appends to the audit log, inside the transaction that makes the change it records.
func (tx *Tx) AuditInsert(ctx context.Context, e *AuditEntry) error {
	e.At = tx.now()
	err := tx.queryRow(ctx, `INSERT INTO audit_log (at, actor, action, target, before_json, after_json, ip) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		micros(e.At), e.Actor, e.Action, e.Target, e.Before, e.After, e.IP).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("insert audit %s %s: %w", e.Action, e.Target, err)
	}
	return nil
}

// AuditFilter narrows AuditList.
type AuditFilter = audit.Filter

// AuditList lists audit entries, newest first.
func (q Q) AuditList(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var conds []string
	var args []any
	if f.Actor != "" {
		conds = append(conds, "actor = ?")
		args = append(args, f.Actor)
	}
	if f.Target != "" {
		conds = append(conds, "target = ?")
		args = append(args, f.Target)
	}
	if f.Action != "" {
		// U+10FFFF sorts after every character bytewise (SQLite BINARY, PostgreSQL "C") and,
		// unlike a bare 0xFF byte, is valid UTF-8, which PostgreSQL requires of text parameters.
		conds = append(conds, "action >= ? AND action < ?")
		args = append(args, f.Action, f.Action+"\U0010FFFF")
	}
	if f.Before > 0 {
		conds = append(conds, "id < ?")
		args = append(args, f.Before)
	}
	where := "1 = 1"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := q.query(ctx, `SELECT id, at, actor, action, target, before_json, after_json, ip FROM audit_log WHERE `+where+` ORDER BY id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Before, &e.After, &e.IP); err != nil {
			return nil, err
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// JobDeleteForOrder removes an order's queued jobs of one kind: an order settled by hand needs no
// more fulfilment. A worker still holding such a job finds the order final and stops.
func (tx *Tx) JobDeleteForOrder(ctx context.Context, orderID int64, kind string) error {
	if _, err := tx.exec(ctx, `DELETE FROM jobs WHERE order_id = ? AND kind = ?`, orderID, kind); err != nil {
		return fmt.Errorf("delete %s jobs of order %d: %w", kind, orderID, err)
	}
	return nil
}

// DaySales is order.DaySales.
type DaySales = order.DaySales

// SalesByDay sums non-testing orders per day for days >= since (YYYY-MM-DD), oldest first.
func (q Q) SalesByDay(ctx context.Context, since string) ([]DaySales, error) {
	sinceN, err := dayNumber(since)
	if err != nil {
		return nil, fmt.Errorf("sales by day: %w", err)
	}
	ids, idArgs := q.orderDaysRange("id", sinceN, openDays)
	rows, err := q.query(ctx, `SELECT day, COUNT(*),
		COALESCE(SUM(CASE WHEN status = 'Success' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'Failed' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'Pending' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'Success' THEN price ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'Success' THEN cost ELSE 0 END), 0)
		FROM orders WHERE day >= ? AND NOT testing`+ids+` GROUP BY day ORDER BY day`, append([]any{sinceN}, idArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("sales by day: %w", err)
	}
	defer rows.Close()
	var out []DaySales
	for rows.Next() {
		var d DaySales
		if err := rows.Scan(dayScan{&d.Day}, &d.Orders, &d.Success, &d.Failed, &d.Pending, &d.Sales, &d.Cost); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// OrderCount is order.Count.
type OrderCount = order.Count

// OrderCountsByProduct counts orders by product code and status.
func (q Q) OrderCountsByProduct(ctx context.Context) ([]OrderCount, error) {
	rows, err := q.query(ctx, `SELECT p.code, o.status, COUNT(*) FROM orders o
		JOIN variants v ON v.id = o.variant_id JOIN products p ON p.id = v.product_id
		GROUP BY p.code, o.status ORDER BY p.code, o.status`)
	if err != nil {
		return nil, fmt.Errorf("count orders by product: %w", err)
	}
	defer rows.Close()
	var out []OrderCount
	for rows.Next() {
		var c OrderCount
		if err := rows.Scan(&c.Product, &c.Status, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// BalancesOwed is what Kios owes its resellers: the sum of their available and held balances.
func (q Q) BalancesOwed(ctx context.Context) (int64, error) {
	var n int64
	if err := q.queryRow(ctx, `SELECT COALESCE(SUM(balance), 0) FROM accounts WHERE kind IN ('available', 'held')`).Scan(&n); err != nil {
		return 0, fmt.Errorf("balances owed: %w", err)
	}
	return n, nil
}

// WithAudit is audit.With: the next Batch that commits under the context also writes e, in the
// same transaction as its change.
func WithAudit(ctx context.Context, e AuditEntry) context.Context { return audit.With(ctx, e) }

// WithoutAudit is audit.Without.
func WithoutAudit(ctx context.Context) context.Context { return audit.Without(ctx) }

// AuditWritten is audit.Written.
func AuditWritten(ctx context.Context) bool { return audit.Written(ctx) }

// withPendingAudit wraps fn to write ctx's pending audit row after it, if there is one still to
// write. A batch run again (a replay) runs the wrapper again, and its rolled-back row with it.
func withPendingAudit(ctx context.Context, fn func(*Tx) error) (func(*Tx) error, *audit.Pending) {
	p := audit.ToWrite(ctx)
	if p == nil {
		return fn, nil
	}
	return func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		e := p.Entry
		return tx.AuditInsert(ctx, &e)
	}, p
}

// ProductSales counts the delivered (Success, not testing) orders of each product made on or
// after sinceDay ("2006-01-02", Jakarta): what the store's home page calls popular. It reads
// only the window's orders (through orders_day, or order_days: orderDaysRange), so its cost grows
// with the window, not with the whole history.
func (q Q) ProductSales(ctx context.Context, sinceDay string) (map[string]int64, error) {
	since, err := dayNumber(sinceDay)
	if err != nil {
		return nil, fmt.Errorf("product sales: %w", err)
	}
	ids, idArgs := q.orderDaysRange("o.id", since, openDays)
	rows, err := q.query(ctx, `SELECT p.code, COUNT(*) FROM orders o
		JOIN variants v ON v.id = o.variant_id JOIN products p ON p.id = v.product_id
		WHERE o.day >= ? AND o.status = ? AND NOT o.testing`+ids+` GROUP BY p.code`, append([]any{since, string(order.Success)}, idArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("product sales since %s: %w", sinceDay, err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var code string
		var n int64
		if err := rows.Scan(&code, &n); err != nil {
			return nil, fmt.Errorf("product sales since %s: %w", sinceDay, err)
		}
		out[code] = n
	}
	return out, rows.Err()
}
