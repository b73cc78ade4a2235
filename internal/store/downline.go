package store

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/reseller"

	"github.com/kios-h2h/kios/internal/ledger"
)

// Downline is reseller.Downline.
type Downline = reseller.Downline

// MarkupOverride is an upline's markup on one downline for one product or variant.
type MarkupOverride struct {
	ResellerID int64
	Scope      string // MarkupProduct or MarkupVariant
	TargetID   int64
	Rupiah     int64
}

// Scopes of a MarkupOverride.
const (
	MarkupProduct = "product"
	MarkupVariant = "variant"
)

// Commission is what one upline on an order's path earns when the order succeeds.
type Commission struct {
	UplineID int64
	Amount   int64
}

// CommissionCode is the account an upline's commissions are credited to. It belongs to no
// reseller's lock domain (reseller_id is NULL, like the shared system accounts): the settlement
// of a downline's order credits it under the downline's key, and the batch applies the credit at
// its end with the system accounts, in account order, so it never waits on the upline's own
// batches (docs/ARCHITECTURE.md, Lock domains). It may go negative at the row level so that the
// exchange's debit is deferred too; core never debits more than it holds and the ledger check
// reports one below zero.
func CommissionCode(resellerID int64) string {
	return fmt.Sprintf("reseller:%d:commission", resellerID)
}

// CommissionAccountEnsure creates an upline's commission account if it has none. It is called
// when a downline is registered, so settlement never creates an account (an insert there would
// take an index lock mid-batch).
func (tx *Tx) CommissionAccountEnsure(ctx context.Context, resellerID int64) (int64, error) {
	return tx.accountEnsure(ctx, CommissionCode(resellerID), string(ledger.Commission), 0, true)
}

// DownlineInsert records r as a downline.
func (tx *Tx) DownlineInsert(ctx context.Context, d Downline) error {
	tx.resellersChanged = true
	if _, err := tx.exec(ctx, `INSERT INTO downlines (reseller_id, upline_id, markup, depth) VALUES (?, ?, ?, ?)`,
		d.ResellerID, d.UplineID, d.Markup, d.Depth); err != nil {
		return fmt.Errorf("insert downline %d under %d: %w", d.ResellerID, d.UplineID, err)
	}
	return nil
}

// DownlineSetMarkup sets a downline's default markup.
func (tx *Tx) DownlineSetMarkup(ctx context.Context, resellerID, rupiah int64) error {
	tx.resellersChanged = true
	res, err := tx.exec(ctx, `UPDATE downlines SET markup = ? WHERE reseller_id = ?`, rupiah, resellerID)
	if err != nil {
		return fmt.Errorf("set markup of %d: %w", resellerID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("downline %d: %w", resellerID, ErrNotFound)
	}
	return nil
}

// DownlineOf returns the tree row of resellerID; ErrNotFound for a top reseller.
func (q Q) DownlineOf(ctx context.Context, resellerID int64) (Downline, error) {
	d := Downline{ResellerID: resellerID}
	err := q.queryRow(ctx, `SELECT upline_id, markup, depth FROM downlines WHERE reseller_id = ?`, resellerID).Scan(&d.UplineID, &d.Markup, &d.Depth)
	if err != nil {
		return d, notFound(err, fmt.Sprintf("downline %d", resellerID))
	}
	return d, nil
}

// Downlines lists the direct downlines of uplineID, by id.
func (q Q) Downlines(ctx context.Context, uplineID int64) ([]Downline, error) {
	rows, err := q.query(ctx, `SELECT reseller_id, upline_id, markup, depth FROM downlines WHERE upline_id = ? ORDER BY reseller_id`, uplineID)
	if err != nil {
		return nil, fmt.Errorf("downlines of %d: %w", uplineID, err)
	}
	defer rows.Close()
	var out []Downline
	for rows.Next() {
		var d Downline
		if err := rows.Scan(&d.ResellerID, &d.UplineID, &d.Markup, &d.Depth); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// MarkupOverrideSet creates or replaces an override.
func (tx *Tx) MarkupOverrideSet(ctx context.Context, m MarkupOverride) error {
	tx.resellersChanged = true
	if _, err := tx.exec(ctx, `INSERT INTO downline_markups (reseller_id, scope, target_id, rupiah) VALUES (?, ?, ?, ?)
		ON CONFLICT (reseller_id, scope, target_id) DO UPDATE SET rupiah = excluded.rupiah`,
		m.ResellerID, m.Scope, m.TargetID, m.Rupiah); err != nil {
		return fmt.Errorf("set markup of %d on %s %d: %w", m.ResellerID, m.Scope, m.TargetID, err)
	}
	return nil
}

// MarkupOverrides lists resellerID's overrides.
func (q Q) MarkupOverrides(ctx context.Context, resellerID int64) ([]MarkupOverride, error) {
	rows, err := q.query(ctx, `SELECT reseller_id, scope, target_id, rupiah FROM downline_markups WHERE reseller_id = ? ORDER BY scope, target_id`, resellerID)
	if err != nil {
		return nil, fmt.Errorf("markups of %d: %w", resellerID, err)
	}
	defer rows.Close()
	var out []MarkupOverride
	for rows.Next() {
		var m MarkupOverride
		if err := rows.Scan(&m.ResellerID, &m.Scope, &m.TargetID, &m.Rupiah); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// OrderCommissionsInsert records an order's commissions, inside the transaction that accepts it.
func (tx *Tx) OrderCommissionsInsert(ctx context.Context, orderID int64, cs []Commission) error {
	for _, c := range cs {
		if _, err := tx.exec(ctx, `INSERT INTO order_commissions (order_id, upline_id, amount) VALUES (?, ?, ?)`,
			orderID, c.UplineID, c.Amount); err != nil {
			return fmt.Errorf("commission of order %d to %d: %w", orderID, c.UplineID, err)
		}
	}
	return nil
}

// OrderCommissions lists an order's commissions, by upline id.
func (q Q) OrderCommissions(ctx context.Context, orderID int64) ([]Commission, error) {
	rows, err := q.query(ctx, `SELECT upline_id, amount FROM order_commissions WHERE order_id = ? ORDER BY upline_id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("commissions of order %d: %w", orderID, err)
	}
	defer rows.Close()
	var out []Commission
	for rows.Next() {
		var c Commission
		if err := rows.Scan(&c.UplineID, &c.Amount); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AccountLock takes account id's row lock until the transaction ends (a no-op update: SQLite's
// one writer holds every row already).
func (tx *Tx) AccountLock(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, `UPDATE accounts SET balance = balance WHERE id = ?`, id); err != nil {
		return fmt.Errorf("lock account %d: %w", id, err)
	}
	return nil
}
