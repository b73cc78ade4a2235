package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/kios-h2h/kios/internal/bill"
)

const inquiryCols = `id, reseller_id, reference, variant_id, variant_code, customer_no, customer_name, day, sheets, amount, penalty,
	admin, commission, price, selling_price, bill_desc, paid_desc, testing, COALESCE(order_id, 0), created_at, updated_at,
	supplier, upstream_ref`

func scanInquiry(row interface{ Scan(...any) error }) (*bill.Inquiry, error) {
	var q bill.Inquiry
	var desc, paid string
	var created, updated int64
	if err := row.Scan(&q.ID, &q.ResellerID, &q.Reference, &q.VariantID, &q.VariantCode, &q.CustomerNo, &q.CustomerName, &q.Day,
		&q.Sheets, &q.Amount, &q.Penalty, &q.Admin, &q.Commission, &q.Price, &q.SellingPrice, &desc, &paid, &q.Testing, &q.OrderID,
		&created, &updated, &q.Supplier, &q.UpstreamRef); err != nil {
		return nil, err
	}
	if desc != "" {
		q.Desc = []byte(desc)
	}
	if paid != "" {
		q.PaidDesc = []byte(paid)
	}
	q.CreatedAt, q.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &q, nil
}

// InquiryUpsert records an inquiry under (reseller, reference), or refreshes the unpaid one
// already there (an inquiry repeated on a later day). It sets q.ID. It returns ErrInquiryPaid,
// changing nothing, when the inquiry under that reference has been paid.
func (tx *Tx) InquiryUpsert(ctx context.Context, q *bill.Inquiry) error {
	now := tx.now()
	q.CreatedAt, q.UpdatedAt = now, now
	err := tx.queryRow(ctx, `INSERT INTO bill_inquiries (reseller_id, reference, variant_id, variant_code, customer_no, customer_name, day,
			sheets, amount, penalty, admin, commission, price, selling_price, bill_desc, paid_desc, testing, order_id, created_at, updated_at,
			supplier, upstream_ref)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)
		ON CONFLICT (reseller_id, reference) DO UPDATE SET variant_id = excluded.variant_id, variant_code = excluded.variant_code,
			customer_no = excluded.customer_no, customer_name = excluded.customer_name, day = excluded.day, sheets = excluded.sheets,
			amount = excluded.amount, penalty = excluded.penalty, admin = excluded.admin, commission = excluded.commission,
			price = excluded.price, selling_price = excluded.selling_price, bill_desc = excluded.bill_desc,
			paid_desc = excluded.paid_desc, testing = excluded.testing, updated_at = excluded.updated_at,
			supplier = excluded.supplier, upstream_ref = excluded.upstream_ref
		WHERE bill_inquiries.order_id IS NULL
		RETURNING id`,
		q.ResellerID, q.Reference, q.VariantID, q.VariantCode, q.CustomerNo, q.CustomerName, q.Day, q.Sheets, q.Amount, q.Penalty,
		q.Admin, q.Commission, q.Price, q.SellingPrice, string(q.Desc), string(q.PaidDesc), q.Testing, micros(now), micros(now),
		q.Supplier, q.UpstreamRef).Scan(&q.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrInquiryPaid
	}
	if err != nil {
		return fmt.Errorf("record inquiry %s: %w", q.Reference, err)
	}
	return nil
}

// ErrInquiryPaid is returned by InquiryUpsert and InquirySetOrder for an inquiry already paid.
var ErrInquiryPaid = errors.New("inquiry already paid")

// InquirySetOrder links an inquiry to the order that pays it. It returns ErrInquiryPaid when the
// inquiry is linked already.
func (tx *Tx) InquirySetOrder(ctx context.Context, id, orderID int64) error {
	res, err := tx.exec(ctx, `UPDATE bill_inquiries SET order_id = ?, updated_at = ? WHERE id = ? AND order_id IS NULL`,
		orderID, micros(tx.now()), id)
	if err != nil {
		return fmt.Errorf("link inquiry %d to order %d: %w", id, orderID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrInquiryPaid
	}
	return nil
}

// InquiryByReference finds a reseller's inquiry (bill.ErrNotInquired when there is none).
func (q Q) InquiryByReference(ctx context.Context, resellerID int64, ref string) (*bill.Inquiry, error) {
	in, err := scanInquiry(q.queryRow(ctx, `SELECT `+inquiryCols+` FROM bill_inquiries WHERE reseller_id = ? AND reference = ?`, resellerID, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bill.ErrNotInquired
	}
	if err != nil {
		return nil, fmt.Errorf("get inquiry %s: %w", ref, err)
	}
	return in, nil
}

// MultiGuardHeld reports whether a multi-guard slot is taken (for postpaid: whether the bill of
// that month was paid, or is being paid).
func (q Q) MultiGuardHeld(ctx context.Context, variantID int64, destination, day string) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM multi_guards WHERE variant_id = ? AND destination = ? AND day = ?`,
		variantID, destination, day).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("multi guard: %w", err)
	}
	return n > 0, nil
}
