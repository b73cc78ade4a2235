package store

import (
	"context"
	"fmt"
)

// States of a failed storefront invoice's refund through its gateway (shop_invoices.refund_state).
const (
	ShopRefundNotAsked = ""        // not asked yet
	ShopRefundPending  = "pending" // accepted by the gateway, asked again (same key) until done
	ShopRefundRefused  = "refused" // the gateway cannot refund it: the operator pays back by hand
	ShopRefundNone     = "none"    // the gateway has no refund API
	ShopRefundDone     = "done"    // refunded through the gateway
)

// ShopRefundState records where an invoice's gateway refund stands and the gateway's id of it.
func (tx *Tx) ShopRefundState(ctx context.Context, id int64, state, ref string) error {
	if _, err := tx.exec(ctx, `UPDATE shop_invoices SET refund_state = ?, refund_ref = ? WHERE id = ?`, state, ref, id); err != nil {
		return fmt.Errorf("invoice %d refund state: %w", id, err)
	}
	return nil
}

// ShopRefundClaim marks a failed invoice's gateway refund pending before the gateway is asked,
// so that no refund by hand is recorded while it may be under way; false (nothing changed) when
// the invoice is no longer failed or its refund is done or refused.
func (tx *Tx) ShopRefundClaim(ctx context.Context, id int64) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE shop_invoices SET refund_state = ? WHERE id = ? AND status = ? AND refund_state IN (?, ?)`,
		ShopRefundPending, id, ShopFailed, ShopRefundNotAsked, ShopRefundPending)
	if err != nil {
		return false, fmt.Errorf("invoice %d refund claim: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ShopRefundStateOf reads an invoice's gateway refund state and the gateway's id of it.
func (q Q) ShopRefundStateOf(ctx context.Context, id int64) (state, ref string, err error) {
	err = q.queryRow(ctx, `SELECT refund_state, refund_ref FROM shop_invoices WHERE id = ?`, id).Scan(&state, &ref)
	if err != nil {
		return "", "", notFound(err, fmt.Sprintf("invoice %d", id))
	}
	return state, ref, nil
}

// ShopRefundsToAsk lists the codes of failed invoices whose gateway refund is not asked yet or
// still pending, oldest first.
func (q Q) ShopRefundsToAsk(ctx context.Context, limit int) ([]string, error) {
	return q.texts(ctx, "refunds to ask", `SELECT code FROM shop_invoices WHERE status = ? AND refund_state IN (?, ?) ORDER BY id LIMIT ?`,
		ShopFailed, ShopRefundNotAsked, ShopRefundPending, limit)
}
