package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/kios-h2h/kios/internal/reseller"

	"github.com/kios-h2h/kios/internal/job"
	"github.com/kios-h2h/kios/internal/ledger"
)

// DownlineTransfer is reseller.Transfer.
type DownlineTransfer = reseller.Transfer

// Statuses of a DownlineTransfer.
const (
	TransferTransit = "transit"
	TransferDone    = "done"
)

// JobTransfer lands a transfer in transit (package job).
const JobTransfer = job.Transfer

// TransferSendTxn and TransferLandTxn name a transfer's two postings.
func TransferSendTxn(id int64) string { return fmt.Sprintf("transfer:%d:send", id) }

// TransferLandTxn is the posting that credits the downline.
func TransferLandTxn(id int64) string { return fmt.Sprintf("transfer:%d:land", id) }

// TransitAccountEnsure creates the transit account if missing. It may go negative at the row
// level only so that a landing's debit waits for the batch's end like a system account's credit
// (Transfer); core never lands more than was sent, and the ledger check reports one below zero.
func (tx *Tx) TransitAccountEnsure(ctx context.Context) (int64, error) {
	return tx.accountEnsure(ctx, ledger.TransitCode, string(ledger.Transit), 0, true)
}

const transferCols = `id, upline_id, downline_id, amount, reference, status, actor, created_at, landed_at`

func scanTransfer(sc interface{ Scan(...any) error }) (*DownlineTransfer, error) {
	var t DownlineTransfer
	var at, landed int64
	if err := sc.Scan(&t.ID, &t.UplineID, &t.DownlineID, &t.Amount, &t.Reference, &t.Status, &t.Actor, &at, &landed); err != nil {
		return nil, err
	}
	t.CreatedAt, t.LandedAt = fromMicros(at), fromMicros(landed)
	return &t, nil
}

// DownlineTransferInsert records a transfer in transit; it sets t's ID, Status and CreatedAt.
func (tx *Tx) DownlineTransferInsert(ctx context.Context, t *DownlineTransfer) error {
	t.Status, t.CreatedAt = TransferTransit, tx.now()
	err := tx.queryRow(ctx, `INSERT INTO downline_transfers (upline_id, downline_id, amount, reference, status, actor, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, t.UplineID, t.DownlineID, t.Amount, t.Reference, t.Status, t.Actor, micros(t.CreatedAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("insert transfer %s of %d: %w", t.Reference, t.UplineID, err)
	}
	return nil
}

// DownlineTransferByRef finds uplineID's transfer under reference (ErrNotFound: none).
func (q Q) DownlineTransferByRef(ctx context.Context, uplineID int64, reference string) (*DownlineTransfer, error) {
	t, err := scanTransfer(q.queryRow(ctx, `SELECT `+transferCols+` FROM downline_transfers WHERE upline_id = ? AND reference = ?`, uplineID, reference))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("transfer %s of %d", reference, uplineID))
	}
	return t, nil
}

// DownlineTransferByID finds a transfer (ErrNotFound: none).
func (q Q) DownlineTransferByID(ctx context.Context, id int64) (*DownlineTransfer, error) {
	t, err := scanTransfer(q.queryRow(ctx, `SELECT `+transferCols+` FROM downline_transfers WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("transfer %d", id))
	}
	return t, nil
}

// DownlineTransferLand marks a transfer done, reporting false when it already was: the one
// statement that decides which caller credits the downline.
func (tx *Tx) DownlineTransferLand(ctx context.Context, id int64) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE downline_transfers SET status = ?, landed_at = ? WHERE id = ? AND status = ?`,
		TransferDone, micros(tx.now()), id, TransferTransit)
	if err != nil {
		return false, fmt.Errorf("land transfer %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("land transfer %d: %w", id, err)
	}
	return n == 1, nil
}

// JobDeleteFor removes the jobs of kind for orderID (whichever claim holds them: the work they
// stand for is done).
func (tx *Tx) JobDeleteFor(ctx context.Context, kind string, orderID int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM jobs WHERE kind = ? AND order_id = ?`, kind, orderID); err != nil {
		return fmt.Errorf("delete %s jobs of %d: %w", kind, orderID, err)
	}
	return nil
}

// DownlineTransfers lists the transfers a reseller sent or received, newest first.
func (q Q) DownlineTransfers(ctx context.Context, resellerID int64, limit int) ([]DownlineTransfer, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := q.query(ctx, `SELECT `+transferCols+` FROM downline_transfers WHERE upline_id = ? OR downline_id = ?
		ORDER BY id DESC LIMIT ?`, resellerID, resellerID, limit)
	if err != nil {
		return nil, fmt.Errorf("transfers of %d: %w", resellerID, err)
	}
	defer rows.Close()
	var out []DownlineTransfer
	for rows.Next() {
		t, err := scanTransfer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// ledgerCheckTransfers checks the transfers down the tree: each has exactly one send posting of
// its amount from its upline's available balance to the transit account; a done one exactly one
// landing from the transit account to its downline's available balance, one in transit none; no
// other posting touches the transit account, whose balance is what is in transit.
func ledgerCheckTransfers(ctx context.Context, q Q, rep *ledger.Report) error {
	rows, err := q.query(ctx, `SELECT t.id, t.status, t.amount,
		(SELECT COUNT(*) FROM postings p WHERE p.txn = 'transfer:' || t.id || ':send'),
		(SELECT COUNT(*) FROM postings p WHERE p.txn = 'transfer:' || t.id || ':send' AND p.amount = t.amount
			AND p.source = (SELECT id FROM accounts WHERE code = 'reseller:' || t.upline_id || ':available')
			AND p.destination = (SELECT id FROM accounts WHERE code = ?)),
		(SELECT COUNT(*) FROM postings p WHERE p.txn = 'transfer:' || t.id || ':land'),
		(SELECT COUNT(*) FROM postings p WHERE p.txn = 'transfer:' || t.id || ':land' AND p.amount = t.amount
			AND p.source = (SELECT id FROM accounts WHERE code = ?)
			AND p.destination = (SELECT id FROM accounts WHERE code = 'reseller:' || t.downline_id || ':available'))
		FROM downline_transfers t ORDER BY t.id`, ledger.TransitCode, ledger.TransitCode)
	if err != nil {
		return fmt.Errorf("ledger check transfers: %w", err)
	}
	defer rows.Close()
	var inTransit, n, landed int64
	for rows.Next() {
		var id, amount, sends, sendsOK, lands, landsOK int64
		var status string
		if err := rows.Scan(&id, &status, &amount, &sends, &sendsOK, &lands, &landsOK); err != nil {
			return err
		}
		n++
		acct := fmt.Sprintf("transfer:%d", id)
		if sends != 1 || sendsOK != 1 {
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: acct,
				Problem: fmt.Sprintf("%d send postings (%d right), want one of %d from the upline to transit", sends, sendsOK, amount)})
		}
		want := int64(0)
		if status == TransferDone {
			want = 1
			landed++
		} else {
			inTransit += amount
		}
		if lands != want || landsOK != want {
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: acct,
				Problem: fmt.Sprintf("%s with %d landing postings (%d right), want %d", status, lands, landsOK, want)})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var bal, touching int64
	err = q.queryRow(ctx, `SELECT a.balance, (SELECT COUNT(*) FROM postings p WHERE p.source = a.id OR p.destination = a.id)
		FROM accounts a WHERE a.code = ?`, ledger.TransitCode).Scan(&bal, &touching)
	if errors.Is(err, sql.ErrNoRows) && n == 0 {
		return nil // no transit account yet, and nothing that needs one
	}
	if err != nil {
		return fmt.Errorf("ledger check transit: %w", err)
	}
	if bal != inTransit {
		rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: ledger.TransitCode,
			Problem: fmt.Sprintf("balance %d, but %d is in transit", bal, inTransit)})
	}
	if touching != n+landed {
		rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: ledger.TransitCode,
			Problem: fmt.Sprintf("%d postings, want %d (one per transfer sent, one per transfer landed)", touching, n+landed)})
	}
	return nil
}
