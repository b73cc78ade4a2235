package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/deposit"
)

const ticketCols = `t.id, t.code, t.reseller_id, r.username, t.requested, t.amount, t.bank, t.owner_name, t.notes, t.status, t.settled_by,
	t.created_at, t.expires_at, t.settled_at`

func scanTicket(row interface{ Scan(...any) error }) (*deposit.Ticket, error) {
	var t deposit.Ticket
	var status string
	var created, expires, settled int64
	if err := row.Scan(&t.ID, &t.Code, &t.ResellerID, &t.Username, &t.Requested, &t.Amount, &t.Bank, &t.OwnerName, &t.Notes,
		&status, &t.SettledBy, &created, &expires, &settled); err != nil {
		return nil, err
	}
	t.Status = deposit.Status(status)
	t.CreatedAt, t.ExpiresAt, t.SettledAt = fromMicros(created), fromMicros(expires), fromMicros(settled)
	return &t, nil
}

// TicketInsert opens a ticket and sets its id. It returns false, changing nothing, when an open
// ticket already holds the amount (the partial unique index decides, race-free on both backends).
func (tx *Tx) TicketInsert(ctx context.Context, t *deposit.Ticket) (bool, error) {
	t.Status = deposit.Open
	err := tx.queryRow(ctx, `INSERT INTO deposit_tickets (code, reseller_id, requested, amount, bank, owner_name, notes, status, settled_by,
			created_at, expires_at, settled_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'open', '', ?, ?, 0) ON CONFLICT DO NOTHING RETURNING id`,
		t.Code, t.ResellerID, t.Requested, t.Amount, t.Bank, t.OwnerName, t.Notes, micros(t.CreatedAt), micros(t.ExpiresAt)).Scan(&t.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("open ticket %s: %w", t.Code, err)
	}
	return true, nil
}

// TicketOpenAmounts lists the amounts in [lo, hi] that open tickets hold.
func (q Q) TicketOpenAmounts(ctx context.Context, lo, hi int64) (map[int64]bool, error) {
	rows, err := q.query(ctx, `SELECT amount FROM deposit_tickets WHERE status = 'open' AND amount BETWEEN ? AND ?`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("open ticket amounts: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var a int64
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out[a] = true
	}
	return out, rows.Err()
}

// TicketOpenCount counts a reseller's open tickets.
func (q Q) TicketOpenCount(ctx context.Context, resellerID int64) (int, error) {
	var n int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM deposit_tickets WHERE reseller_id = ? AND status = 'open'`, resellerID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count open tickets: %w", err)
	}
	return n, nil
}

// TicketSettle moves a ticket from one of the statuses in from to status to, noting by whom. It
// returns false, changing nothing, when the ticket is in none of them: the status guard is what
// makes an approval credit once, so callers post the credit only when it returns true, in the
// same transaction.
func (tx *Tx) TicketSettle(ctx context.Context, id int64, from []deposit.Status, to deposit.Status, by string) (bool, error) {
	if len(from) == 0 || len(from) > 2 {
		return false, fmt.Errorf("settle ticket %d: want one or two statuses to move from", id)
	}
	a, b := from[0], from[0]
	if len(from) == 2 {
		b = from[1]
	}
	res, err := tx.exec(ctx, `UPDATE deposit_tickets SET status = ?, settled_by = ?, settled_at = ? WHERE id = ? AND status IN (?, ?)`,
		string(to), by, micros(tx.now()), id, string(a), string(b))
	if err != nil {
		return false, fmt.Errorf("settle ticket %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TicketsExpire expires the open tickets whose time ran out by now and returns how many.
func (tx *Tx) TicketsExpire(ctx context.Context, now time.Time) (int64, error) {
	res, err := tx.exec(ctx, `UPDATE deposit_tickets SET status = 'expired', settled_by = 'expiry', settled_at = ?
		WHERE status = 'open' AND expires_at <= ?`, micros(now), micros(now))
	if err != nil {
		return 0, fmt.Errorf("expire tickets: %w", err)
	}
	return res.RowsAffected()
}

// TicketByCode finds a ticket by its code (deposit.ErrNotFound).
func (q Q) TicketByCode(ctx context.Context, code string) (*deposit.Ticket, error) {
	return q.ticketWhere(ctx, "t.code = ?", code)
}

// TicketByID finds a ticket by id (deposit.ErrNotFound).
func (q Q) TicketByID(ctx context.Context, id int64) (*deposit.Ticket, error) {
	return q.ticketWhere(ctx, "t.id = ?", id)
}

// TicketOpenByAmount finds the open ticket holding an amount (deposit.ErrNotFound).
func (q Q) TicketOpenByAmount(ctx context.Context, amount int64) (*deposit.Ticket, error) {
	return q.ticketWhere(ctx, "t.status = 'open' AND t.amount = ?", amount)
}

func (q Q) ticketWhere(ctx context.Context, where string, arg any) (*deposit.Ticket, error) {
	t, err := scanTicket(q.queryRow(ctx, `SELECT `+ticketCols+` FROM deposit_tickets t JOIN resellers r ON r.id = t.reseller_id WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, deposit.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get ticket: %w", err)
	}
	return t, nil
}

// TicketFilter narrows TicketList.
type TicketFilter = deposit.Filter

// TicketList lists tickets, newest first.
func (q Q) TicketList(ctx context.Context, f TicketFilter) ([]deposit.Ticket, error) {
	where, args := "1 = 1", []any{}
	if f.Status != "" {
		where += " AND t.status = ?"
		args = append(args, string(f.Status))
	}
	if f.ResellerID != 0 {
		where += " AND t.reseller_id = ?"
		args = append(args, f.ResellerID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := q.query(ctx, `SELECT `+ticketCols+` FROM deposit_tickets t JOIN resellers r ON r.id = t.reseller_id WHERE `+where+
		` ORDER BY t.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list tickets: %w", err)
	}
	defer rows.Close()
	var out []deposit.Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// StatementLineInsert records that a statement line approved a ticket. It returns false when the
// line was recorded before (the statement is being imported again).
func (tx *Tx) StatementLineInsert(ctx context.Context, hash string, ticketID int64, line string) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO statement_lines (hash, ticket_id, line, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		hash, ticketID, line, micros(tx.now()))
	if err != nil {
		return false, fmt.Errorf("record statement line: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// StatementLineTicket returns the ticket a statement line approved, or 0 when it approved none.
func (q Q) StatementLineTicket(ctx context.Context, hash string) (int64, error) {
	var id int64
	err := q.queryRow(ctx, `SELECT ticket_id FROM statement_lines WHERE hash = ?`, hash).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("statement line: %w", err)
	}
	return id, nil
}
