package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/shop"
)

// The storefront's names under the store's (package shop holds them).
var ErrShopInvoiceNotFound = shop.ErrInvoiceNotFound

// Statuses of a storefront invoice (shop_invoices.status).
const (
	ShopUnpaid   = shop.Unpaid
	ShopExpired  = shop.Expired
	ShopPending  = shop.Pending
	ShopSuccess  = shop.Success
	ShopFailed   = shop.Failed
	ShopRefunded = shop.Refunded
)

// ShopInvoice is shop.Invoice.
type ShopInvoice = shop.Invoice

const shopInvoiceCols = `id, code, variant_id, variant_code, product_name, destination, nickname, amount, paid_amount, method,
	COALESCE(gateway_id, 0), COALESCE(payment_id, 0), phone, email, ip, status, order_invoice, sn, reason, flag, created_at, expires_at,
	paid_at, done_at`

func scanShopInvoice(row interface{ Scan(...any) error }) (*ShopInvoice, error) {
	var v ShopInvoice
	var c, e, p, d int64
	if err := row.Scan(&v.ID, &v.Code, &v.VariantID, &v.VariantCode, &v.ProductName, &v.Destination, &v.Nickname, &v.Amount, &v.PaidAmount,
		&v.Method, &v.GatewayID, &v.PaymentID, &v.Phone, &v.Email, &v.IP, &v.Status, &v.OrderInvoice, &v.SN, &v.Reason, &v.Flag,
		&c, &e, &p, &d); err != nil {
		return nil, err
	}
	v.CreatedAt, v.ExpiresAt, v.PaidAt, v.DoneAt = fromMicros(c), fromMicros(e), fromMicros(p), fromMicros(d)
	return &v, nil
}

// ShopInvoiceInsert records a new invoice and sets its id.
func (tx *Tx) ShopInvoiceInsert(ctx context.Context, v *ShopInvoice) error {
	if v.CreatedAt.IsZero() {
		v.CreatedAt = tx.now()
	}
	err := tx.queryRow(ctx, `INSERT INTO shop_invoices (code, variant_id, variant_code, product_name, destination, nickname, amount,
			paid_amount, method, gateway_id, payment_id, phone, email, ip, status, order_invoice, sn, reason, flag, created_at, expires_at,
			paid_at, done_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		v.Code, v.VariantID, v.VariantCode, v.ProductName, v.Destination, v.Nickname, v.Amount, v.PaidAmount, v.Method, nullID(v.GatewayID),
		nullID(v.PaymentID), v.Phone, v.Email, v.IP, v.Status, v.OrderInvoice, v.SN, v.Reason, v.Flag, micros(v.CreatedAt),
		micros(v.ExpiresAt), micros(v.PaidAt), micros(v.DoneAt)).Scan(&v.ID)
	if err != nil {
		return fmt.Errorf("insert invoice %s: %w", v.Code, err)
	}
	return nil
}

// ShopInvoiceAttach records the gateway payment opened for an invoice.
func (tx *Tx) ShopInvoiceAttach(ctx context.Context, id, gatewayID, paymentID int64) error {
	_, err := tx.exec(ctx, `UPDATE shop_invoices SET gateway_id = ?, payment_id = ? WHERE id = ?`, nullID(gatewayID), nullID(paymentID), id)
	if err != nil {
		return fmt.Errorf("attach payment to invoice %d: %w", id, err)
	}
	return nil
}

// ShopInvoiceSettle moves an invoice out of one of the statuses in from (one to three) to v's
// status, recording v's paid amount, order, SN, reason, flag and times. It returns false,
// changing nothing, when the invoice is in none of them: callers move money only when it
// returns true, in the same transaction, which is what makes a replayed callback or a second
// sweeper move nothing.
func (tx *Tx) ShopInvoiceSettle(ctx context.Context, id int64, from []string, v ShopInvoice) (bool, error) {
	if len(from) == 0 || len(from) > 3 {
		return false, fmt.Errorf("settle invoice %d: want one to three statuses to move from", id)
	}
	f := [3]string{from[0], from[0], from[0]}
	copy(f[:], from)
	res, err := tx.exec(ctx, `UPDATE shop_invoices SET status = ?, paid_amount = ?, order_invoice = ?, sn = ?, reason = ?, flag = ?,
		paid_at = ?, done_at = ? WHERE id = ? AND status IN (?, ?, ?)`,
		v.Status, v.PaidAmount, v.OrderInvoice, v.SN, v.Reason, v.Flag, micros(v.PaidAt), micros(v.DoneAt), id, f[0], f[1], f[2])
	if err != nil {
		return false, fmt.Errorf("settle invoice %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ShopInvoiceByCode finds an invoice by its code (ErrShopInvoiceNotFound).
func (q Q) ShopInvoiceByCode(ctx context.Context, code string) (*ShopInvoice, error) {
	return q.shopInvoiceWhere(ctx, "code = ?", code)
}

// ShopInvoiceByPayment finds the invoice a gateway payment was opened for (ErrShopInvoiceNotFound).
func (q Q) ShopInvoiceByPayment(ctx context.Context, paymentID int64) (*ShopInvoice, error) {
	return q.shopInvoiceWhere(ctx, "payment_id = ?", paymentID)
}

func (q Q) shopInvoiceWhere(ctx context.Context, where string, args ...any) (*ShopInvoice, error) {
	v, err := scanShopInvoice(q.queryRow(ctx, `SELECT `+shopInvoiceCols+` FROM shop_invoices WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrShopInvoiceNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get invoice: %w", err)
	}
	return v, nil
}

// ShopUnpaidCount counts a phone number's unpaid invoices that have not expired by now.
func (q Q) ShopUnpaidCount(ctx context.Context, phone string, now time.Time) (int, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM shop_invoices WHERE phone = ? AND status = ? AND expires_at > ?`,
		phone, ShopUnpaid, micros(now)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unpaid invoices: %w", err)
	}
	return n, nil
}

// ShopInvoiceFilter narrows ShopInvoices.
type ShopInvoiceFilter = shop.Filter

// ShopInvoices lists invoices, newest first (oldest first with Before: the sweeper's order).
func (q Q) ShopInvoices(ctx context.Context, f ShopInvoiceFilter) ([]ShopInvoice, error) {
	where, args := "1 = 1", []any{}
	if f.Status != "" {
		where += " AND status = ?"
		args = append(args, f.Status)
	}
	if f.Phone != "" {
		where += " AND phone = ?"
		args = append(args, f.Phone)
	}
	order := "id DESC"
	if !f.Before.IsZero() {
		where += " AND expires_at <= ?"
		args = append(args, micros(f.Before))
		order = "id"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := q.query(ctx, `SELECT `+shopInvoiceCols+` FROM shop_invoices WHERE `+where+` ORDER BY `+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list invoices: %w", err)
	}
	return collect(rows, scanShopInvoice)
}

// ledgerCheckShop checks the storefront's postings: every invoice that was paid has exactly one
// credit ("shop:CODE:credit") of what was paid into the storefront's clearing account, one that
// was not has none, and the refunds-owed account holds exactly what the failed (not yet refunded)
// invoices were paid.
func ledgerCheckShop(ctx context.Context, q Q, rep *ledger.Report) error {
	rows, err := q.query(ctx, `SELECT i.code, i.status, i.paid_amount,
		(SELECT COUNT(*) FROM postings x WHERE x.txn = 'shop:' || i.code || ':credit'),
		(SELECT COUNT(*) FROM postings x WHERE x.txn = 'shop:' || i.code || ':credit' AND x.amount = i.paid_amount)
		FROM shop_invoices i ORDER BY i.id`)
	if err != nil {
		return fmt.Errorf("ledger check shop: %w", err)
	}
	defer rows.Close()
	var owed int64
	for rows.Next() {
		var code, status string
		var paid, n, ok int64
		if err := rows.Scan(&code, &status, &paid, &n, &ok); err != nil {
			return err
		}
		bad := func(format string, args ...any) {
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: "shop:" + code, Problem: fmt.Sprintf(format, args...)})
		}
		paidStatus := status != ShopUnpaid && status != ShopExpired
		switch {
		case paidStatus && (n != 1 || ok != 1):
			bad("%s invoice: %d credit postings (%d of its paid %d), want exactly one", status, n, ok, paid)
		case !paidStatus && n != 0:
			bad("%s invoice: %d credit postings, want none", status, n)
		}
		if status == ShopFailed {
			owed += paid
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var bal int64
	err = q.queryRow(ctx, `SELECT COALESCE((SELECT balance FROM accounts WHERE code = ?), 0)`, ledger.RefundsOwedCode).Scan(&bal)
	if err != nil {
		return fmt.Errorf("ledger check shop refunds: %w", err)
	}
	if bal != owed {
		rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: ledger.RefundsOwedCode,
			Problem: fmt.Sprintf("holds %d but failed invoices were paid %d", bal, owed)})
	}
	return nil
}

// ShopToNotify lists invoices created since since whose buyer was not told their current status,
// oldest first.
func (q Q) ShopToNotify(ctx context.Context, since time.Time, limit int) ([]ShopInvoice, error) {
	rows, err := q.query(ctx, `SELECT `+shopInvoiceCols+` FROM shop_invoices WHERE notified <> status AND created_at >= ? ORDER BY id LIMIT ?`,
		micros(since), limit)
	if err != nil {
		return nil, fmt.Errorf("invoices to notify: %w", err)
	}
	return collect(rows, scanShopInvoice)
}

// ShopNotified records that an invoice's buyer was told of status.
func (tx *Tx) ShopNotified(ctx context.Context, id int64, status string) error {
	if _, err := tx.exec(ctx, `UPDATE shop_invoices SET notified = ? WHERE id = ?`, status, id); err != nil {
		return fmt.Errorf("invoice %d notified: %w", id, err)
	}
	return nil
}
