package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/kios-h2h/kios/internal/order"
)

// OrderWithAttempts reads an order and its attempts (in the order they were made) in one
// statement: a fulfilment pass needs both, and on a server database each statement is a round
// trip (issue 23). order.ErrNotFound when there is no such order.
func (q Q) OrderWithAttempts(ctx context.Context, id int64) (*order.Order, []Attempt, error) {
	rows, err := q.query(ctx, `SELECT `+orderColsOf("o")+`,
		a.id, `+attemptSupplier+`, `+attemptSKU+`, `+attemptRef+`, a.state, `+attemptSN+`, `+attemptMessage+`, a.raw, a.cost, a.polls, a.upstream_ref, `+attemptTimes+`
		FROM orders o LEFT JOIN attempts a ON a.order_id = o.id WHERE o.id = ? ORDER BY a.id`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("get order %d with attempts: %w", id, err)
	}
	defer rows.Close()
	var o *order.Order
	var atts []Attempt
	for rows.Next() {
		var aID, aCost, aPolls, aCreated, aUpdated sql.NullInt64
		var aSupplier, aSKU, aState, aSN, aMsg, aRaw, aUpRef sql.NullString
		var aRef string
		ref := newAttemptRef(&aRef)
		cur, err := scanOrder(rows, &aID, &aSupplier, &aSKU, ref.Invoice(), ref.Number(), &aState, &aSN, &aMsg, &aRaw, &aCost, &aPolls, &aUpRef, &aCreated, &aUpdated)
		if err != nil {
			return nil, nil, fmt.Errorf("get order %d with attempts: %w", id, err)
		}
		if o == nil {
			o = cur
		}
		if !aID.Valid {
			continue // the LEFT JOIN's row for an order without attempts
		}
		atts = append(atts, Attempt{ID: aID.Int64, OrderID: id, Supplier: aSupplier.String, SKU: aSKU.String, Reference: aRef,
			State: aState.String, SN: aSN.String, Message: aMsg.String, Raw: aRaw.String, Cost: aCost.Int64, Polls: int(aPolls.Int64),
			UpstreamRef: aUpRef.String, CreatedAt: fromMicros(aCreated.Int64), UpdatedAt: fromMicros(aUpdated.Int64)})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("get order %d with attempts: %w", id, err)
	}
	if o == nil {
		return nil, nil, order.ErrNotFound
	}
	return o, atts, nil
}
