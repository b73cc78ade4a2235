package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// VariantLimit is a variant's own bound on what Kios may lose selling it, overriding the server's
// default.
type VariantLimit struct {
	VariantID int64
	Code      string // the variant's code
	MaxLoss   int64
	UpdatedAt time.Time
}

// VariantMaxLoss is the variant's own max loss, and whether it has one.
func (q Q) VariantMaxLoss(ctx context.Context, variantID int64) (int64, bool, error) {
	var loss int64
	err := q.queryRow(ctx, `SELECT max_loss FROM variant_limits WHERE variant_id = ?`, variantID).Scan(&loss)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("max loss of variant %d: %w", variantID, err)
	}
	return loss, true, nil
}

// VariantLimits lists the variants that have limits of their own, by code.
func (q Q) VariantLimits(ctx context.Context) ([]VariantLimit, error) {
	rows, err := q.query(ctx, `SELECT l.variant_id, v.code, l.max_loss, l.updated_at FROM variant_limits l
		JOIN variants v ON v.id = l.variant_id ORDER BY v.code`)
	if err != nil {
		return nil, fmt.Errorf("list variant limits: %w", err)
	}
	defer rows.Close()
	var out []VariantLimit
	for rows.Next() {
		var l VariantLimit
		var at int64
		if err := rows.Scan(&l.VariantID, &l.Code, &l.MaxLoss, &at); err != nil {
			return nil, err
		}
		l.UpdatedAt = fromMicros(at)
		out = append(out, l)
	}
	return out, rows.Err()
}

// VariantLimitSet sets a variant's own max loss, or with maxLoss nil removes it (the server's
// default applies again).
func (tx *Tx) VariantLimitSet(ctx context.Context, variantID int64, maxLoss *int64) error {
	tx.catalogChanged = true // what routes an order: the routes and loss-limit caches read it (issue 23)
	if maxLoss == nil {
		if _, err := tx.exec(ctx, `DELETE FROM variant_limits WHERE variant_id = ?`, variantID); err != nil {
			return fmt.Errorf("clear limits of variant %d: %w", variantID, err)
		}
		return nil
	}
	if _, err := tx.exec(ctx, `INSERT INTO variant_limits (variant_id, max_loss, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (variant_id) DO UPDATE SET max_loss = excluded.max_loss, updated_at = excluded.updated_at`,
		variantID, *maxLoss, micros(tx.now())); err != nil {
		return fmt.Errorf("set limits of variant %d: %w", variantID, err)
	}
	return nil
}

// VariantSNRequired is the variant's own rule on serial numbers (whether a success must carry
// one), and whether it has one.
func (q Q) VariantSNRequired(ctx context.Context, variantID int64) (required, own bool, err error) {
	err = q.queryRow(ctx, `SELECT required FROM variant_sn WHERE variant_id = ?`, variantID).Scan(&required)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("sn rule of variant %d: %w", variantID, err)
	}
	return required, true, nil
}

// VariantSNRules lists the variants that have a rule on serial numbers of their own.
func (q Q) VariantSNRules(ctx context.Context) (map[int64]bool, error) {
	rows, err := q.query(ctx, `SELECT variant_id, required FROM variant_sn`)
	if err != nil {
		return nil, fmt.Errorf("list sn rules: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		var req bool
		if err := rows.Scan(&id, &req); err != nil {
			return nil, err
		}
		out[id] = req
	}
	return out, rows.Err()
}

// VariantSNSet sets whether a variant's successes must carry a serial number, or with required
// nil removes its own rule (the default by kind applies again).
func (tx *Tx) VariantSNSet(ctx context.Context, variantID int64, required *bool) error {
	if required == nil {
		if _, err := tx.exec(ctx, `DELETE FROM variant_sn WHERE variant_id = ?`, variantID); err != nil {
			return fmt.Errorf("clear sn rule of variant %d: %w", variantID, err)
		}
		return nil
	}
	if _, err := tx.exec(ctx, `INSERT INTO variant_sn (variant_id, required, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (variant_id) DO UPDATE SET required = excluded.required, updated_at = excluded.updated_at`,
		variantID, *required, micros(tx.now())); err != nil {
		return fmt.Errorf("set sn rule of variant %d: %w", variantID, err)
	}
	return nil
}

// Order flags: what an operator must look at about an order.
const (
	FlagOverLimit    = "over_limit"    // a supplier reported success at a cost above the purchase's limit
	FlagNoSN         = "no_sn"         // a success without the serial number the product needs
	FlagLateDelivery = "late_delivery" // a supplier's success after the order was refunded (by hand or not)
)

// OrderFlag is one flag on an order.
type OrderFlag struct {
	OrderID   int64
	Invoice   string
	Flag      string
	Detail    string
	CreatedAt time.Time
}

// OrderFlagSet flags an order, once per flag: it reports whether the flag is new (a flag
// already set keeps its first detail).
func (tx *Tx) OrderFlagSet(ctx context.Context, orderID int64, flag, detail string) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO order_flags (order_id, flag, detail, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (order_id, flag) DO NOTHING`, orderID, flag, detail, micros(tx.now()))
	if err != nil {
		return false, fmt.Errorf("flag order %d %s: %w", orderID, flag, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// OrderFlagCount counts the orders flagged flag (for the metrics).
func (q Q) OrderFlagCount(ctx context.Context, flag string) (int64, error) {
	var n int64
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM order_flags WHERE flag = ?`, flag).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s flags: %w", flag, err)
	}
	return n, nil
}

// OrderFlags lists an order's flags, oldest first.
func (q Q) OrderFlags(ctx context.Context, orderID int64) ([]OrderFlag, error) {
	return q.orderFlags(ctx, `f.order_id = ?`, orderID)
}

// FlaggedOrders lists the flags of one kind on every order, newest first.
func (q Q) FlaggedOrders(ctx context.Context, flag string) ([]OrderFlag, error) {
	return q.orderFlags(ctx, `f.flag = ?`, flag)
}

func (q Q) orderFlags(ctx context.Context, where string, arg any) ([]OrderFlag, error) {
	order := "f.created_at, f.flag"
	if where == `f.flag = ?` {
		order = "f.created_at DESC, f.order_id DESC"
	}
	rows, err := q.query(ctx, `SELECT f.order_id, o.invoice, f.flag, f.detail, f.created_at FROM order_flags f
		JOIN orders o ON o.id = f.order_id WHERE `+where+` ORDER BY `+order, arg)
	if err != nil {
		return nil, fmt.Errorf("list order flags: %w", err)
	}
	defer rows.Close()
	var out []OrderFlag
	for rows.Next() {
		var f OrderFlag
		var at int64
		if err := rows.Scan(&f.OrderID, invoiceScan{inv: &f.Invoice}, &f.Flag, &f.Detail, &at); err != nil {
			return nil, err
		}
		f.CreatedAt = fromMicros(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// SupplierProductSetCost records a supplier product's cost as a purchase answered it (the
// supplier changed its price since the last sync), with the change in price_changes. It returns
// the product's variant (0 if unmapped) and the previous cost; ErrNotFound if the supplier does
// not list the product.
func (tx *Tx) SupplierProductSetCost(ctx context.Context, supplierID int64, code string, cost int64) (variantID, old int64, err error) {
	tx.catalogChanged = true // what routes an order: the routes and loss-limit caches read it (issue 23)
	var id int64
	err = tx.queryRow(ctx, `SELECT id, cost, COALESCE(variant_id, 0) FROM supplier_products WHERE supplier_id = ? AND code = ?`,
		supplierID, code).Scan(&id, &old, &variantID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, ErrNotFound
	}
	if err != nil {
		return 0, 0, fmt.Errorf("get supplier product %s: %w", code, err)
	}
	if old == cost {
		return variantID, old, nil
	}
	if _, err := tx.exec(ctx, `UPDATE supplier_products SET cost = ? WHERE id = ?`, cost, id); err != nil {
		return 0, 0, fmt.Errorf("set cost of supplier product %s: %w", code, err)
	}
	return variantID, old, tx.PriceChangeInsert(ctx, PriceChange{Kind: "cost", SupplierProductID: id, VariantID: variantID, Old: old, New: cost})
}
