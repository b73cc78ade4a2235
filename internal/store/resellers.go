package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"strings"

	"github.com/kios-h2h/kios/internal/reseller"
)

const resellerCols = `id, username, name, email, phone, membership, status, token_hash, api_key, callback_url, created_at, slots`

const colResellerKey = "resellers.api_key"

func (q Q) scanReseller(row interface{ Scan(...any) error }) (*reseller.Reseller, error) {
	var r reseller.Reseller
	var status string
	var created int64
	if err := row.Scan(&r.ID, &r.Username, &r.Name, &r.Email, &r.Phone, &r.Membership, &status,
		&r.TokenHash, &r.APIKey, &r.CallbackURL, &created, &r.Slots); err != nil {
		return nil, err
	}
	r.Status = reseller.Status(status)
	r.CreatedAt = fromMicros(created)
	var err error
	if r.APIKey, err = q.open(r.APIKey, colResellerKey); err != nil {
		return nil, fmt.Errorf("reseller %s: %w", r.Username, err)
	}
	return &r, nil
}

// ResellerInsert creates a reseller and its two ledger accounts.
func (tx *Tx) ResellerInsert(ctx context.Context, r *reseller.Reseller) error {
	tx.resellersChanged = true
	now := tx.now()
	key, err := tx.seal(r.APIKey, colResellerKey)
	if err != nil {
		return err
	}
	err = tx.queryRow(ctx, `INSERT INTO resellers (username, name, email, phone, membership, status, token_hash, api_key, callback_url, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Username, r.Name, r.Email, r.Phone, r.Membership, string(r.Status), r.TokenHash, key, r.CallbackURL, micros(now)).Scan(&r.ID)
	if err != nil {
		if tx.d.IsUniqueViolation(err) {
			return fmt.Errorf("insert reseller %s: %w", r.Username, reseller.ErrUsernameTaken)
		}
		return fmt.Errorf("insert reseller %s: %w", r.Username, err)
	}
	r.CreatedAt = now
	for _, p := range r.AllowIPs {
		if err := tx.ResellerAllowIP(ctx, r.ID, p); err != nil {
			return err
		}
	}
	if err := tx.ResellerAccountsEnsure(ctx, r.ID); err != nil {
		return err
	}
	return nil
}

// ResellerAccountsEnsure creates a reseller's available and held accounts if missing.
func (tx *Tx) ResellerAccountsEnsure(ctx context.Context, resellerID int64) error {
	if _, err := tx.accountEnsure(ctx, availableCode(resellerID), "available", resellerID, false); err != nil {
		return err
	}
	_, err := tx.accountEnsure(ctx, heldCode(resellerID), "held", resellerID, false)
	return err
}

// ResellerAllowIP adds a prefix to a reseller's allowlist (idempotent).
func (tx *Tx) ResellerAllowIP(ctx context.Context, resellerID int64, p netip.Prefix) error {
	tx.resellersChanged = true
	_, err := tx.exec(ctx, `INSERT INTO reseller_ips (reseller_id, cidr) VALUES (?, ?) ON CONFLICT DO NOTHING`, resellerID, p.String())
	if err != nil {
		return fmt.Errorf("allow ip %s for reseller %d: %w", p, resellerID, err)
	}
	return nil
}

// ResellerDenyIP removes a prefix from a reseller's allowlist.
func (tx *Tx) ResellerDenyIP(ctx context.Context, resellerID int64, p netip.Prefix) error {
	tx.resellersChanged = true
	_, err := tx.exec(ctx, `DELETE FROM reseller_ips WHERE reseller_id = ? AND cidr = ?`, resellerID, p.String())
	if err != nil {
		return fmt.Errorf("deny ip %s for reseller %d: %w", p, resellerID, err)
	}
	return nil
}

// ResellerSetStatus suspends or resumes a reseller.
func (tx *Tx) ResellerSetStatus(ctx context.Context, id int64, s reseller.Status) error {
	return tx.resellerSet(ctx, id, "status", string(s))
}

// ResellerSetTokenHash replaces a reseller's token.
func (tx *Tx) ResellerSetTokenHash(ctx context.Context, id int64, hash string) error {
	return tx.resellerSet(ctx, id, "token_hash", hash)
}

// ResellerSetAPIKey replaces a reseller's api key.
func (tx *Tx) ResellerSetAPIKey(ctx context.Context, id int64, key string) error {
	sealed, err := tx.seal(key, colResellerKey)
	if err != nil {
		return err
	}
	return tx.resellerSet(ctx, id, "api_key", sealed)
}

// ResellerSetMembership changes a reseller's price tier.
func (tx *Tx) ResellerSetMembership(ctx context.Context, id int64, tier string) error {
	return tx.resellerSet(ctx, id, "membership", tier)
}

// ResellerSetCallback sets a reseller's callback URL ("" for none).
func (tx *Tx) ResellerSetCallback(ctx context.Context, id int64, url string) error {
	return tx.resellerSet(ctx, id, "callback_url", url)
}

func (tx *Tx) resellerSet(ctx context.Context, id int64, col, val string) error {
	tx.resellersChanged = true
	// col is always one of the literals above, never caller input.
	res, err := tx.exec(ctx, `UPDATE resellers SET `+col+` = ? WHERE id = ?`, val, id)
	if err != nil {
		return fmt.Errorf("update reseller %d %s: %w", id, col, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update reseller %d: %w", id, reseller.ErrNotFound)
	}
	return nil
}

// ResellerByTokenHash finds the reseller a bearer token belongs to, with its allowlist.
func (q Q) ResellerByTokenHash(ctx context.Context, hash string) (*reseller.Reseller, error) {
	return q.resellerWhere(ctx, "token_hash = ?", hash)
}

// ResellerByUsername finds a reseller by username, with its allowlist.
func (q Q) ResellerByUsername(ctx context.Context, username string) (*reseller.Reseller, error) {
	return q.resellerWhere(ctx, "username = ?", username)
}

// ResellerByID finds a reseller by id, with its allowlist.
func (q Q) ResellerByID(ctx context.Context, id int64) (*reseller.Reseller, error) {
	return q.resellerWhere(ctx, "id = ?", id)
}

func (q Q) resellerWhere(ctx context.Context, where string, arg any) (*reseller.Reseller, error) {
	r, err := q.scanReseller(q.queryRow(ctx, `SELECT `+resellerCols+` FROM resellers WHERE `+where, arg))
	if err != nil {
		if err == sql.ErrNoRows {
			return nil, reseller.ErrNotFound
		}
		return nil, fmt.Errorf("get reseller: %w", err)
	}
	ips, err := q.resellerIPs(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	r.AllowIPs = ips
	return r, nil
}

func (q Q) resellerIPs(ctx context.Context, id int64) ([]netip.Prefix, error) {
	rows, err := q.query(ctx, `SELECT cidr FROM reseller_ips WHERE reseller_id = ? ORDER BY cidr`, id)
	if err != nil {
		return nil, fmt.Errorf("reseller %d ips: %w", id, err)
	}
	defer rows.Close()
	var out []netip.Prefix
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("reseller %d: stored cidr %q: %w", id, s, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ResellerWithBalance is reseller.WithBalance.
type ResellerWithBalance = reseller.WithBalance

// ResellerList lists resellers with their balances, by username.
func (q Q) ResellerList(ctx context.Context) ([]ResellerWithBalance, error) {
	// A reseller's balances sum its balance slots' accounts.
	rows, err := q.query(ctx, `SELECT r.id, r.username, r.name, r.email, r.phone, r.membership, r.status, r.token_hash, r.api_key, r.callback_url, r.created_at, r.slots,
		COALESCE((SELECT SUM(a.balance) FROM accounts a WHERE a.reseller_id = r.id AND a.kind = 'available'), 0),
		COALESCE((SELECT SUM(h.balance) FROM accounts h WHERE h.reseller_id = r.id AND h.kind = 'held'), 0)
		FROM resellers r
		ORDER BY r.username`)
	if err != nil {
		return nil, fmt.Errorf("list resellers: %w", err)
	}
	defer rows.Close()
	var out []ResellerWithBalance
	for rows.Next() {
		var rb ResellerWithBalance
		var status string
		var created int64
		if err := rows.Scan(&rb.ID, &rb.Username, &rb.Name, &rb.Email, &rb.Phone, &rb.Membership, &status,
			&rb.TokenHash, &rb.APIKey, &rb.CallbackURL, &created, &rb.Slots, &rb.Balance, &rb.Held); err != nil {
			return nil, err
		}
		rb.Status = reseller.Status(status)
		rb.CreatedAt = fromMicros(created)
		if rb.APIKey, err = q.open(rb.APIKey, colResellerKey); err != nil {
			return nil, fmt.Errorf("reseller %s: %w", rb.Username, err)
		}
		out = append(out, rb)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].AllowIPs, err = q.resellerIPs(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UsernameFree reports whether a username is unused.
func (q Q) UsernameFree(ctx context.Context, username string) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM resellers WHERE lower(username) = ?`, strings.ToLower(username)).Scan(&n)
	return n == 0, err
}
