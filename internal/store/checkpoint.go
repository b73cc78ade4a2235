package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
)

// LedgerCheckpoint is what a clean ledger check verified, so that the next check verifies only
// what came after it (docs/OPERATIONS.md, "Ledger checks that stay fast").
//
// The horizon. Posting ids come from a sequence, but on PostgreSQL a transaction that took id 99
// may commit after one that took 100: a checkpoint drawn at the highest id it sees would miss 99
// for ever. So a checkpoint covers the postings up to PostingHorizon, the highest id of a
// posting written more than HorizonLag before the check: every posting below it has committed
// (a write transaction lives seconds, never a minute). Balances are sums of postings up to the
// horizon, not the live balances, which include postings above it.
type LedgerCheckpoint struct {
	ID             int64
	PostingHorizon int64           // postings with id ≤ this are verified
	OrderHorizon   int64           // orders with id ≤ this were verified, with their postings
	Postings       int64           // postings with id ≤ PostingHorizon
	Balances       map[int64]int64 // account id → sum of its postings with id ≤ PostingHorizon
	Mode           string          // "full" or "incremental": how it was verified
	Took           time.Duration
	CreatedAt      time.Time
}

// HorizonLag is how old a posting or an order must be to fall below a checkpoint's horizon.
const HorizonLag = time.Minute

// LatestLedgerCheckpoint is the newest checkpoint (ErrNotFound: none yet).
func (q Q) LatestLedgerCheckpoint(ctx context.Context) (*LedgerCheckpoint, error) {
	var cp LedgerCheckpoint
	var took, at int64
	err := q.queryRow(ctx, `SELECT id, posting_horizon, order_horizon, postings, mode, took_ms, created_at
		FROM ledger_checkpoints ORDER BY id DESC LIMIT 1`).Scan(&cp.ID, &cp.PostingHorizon, &cp.OrderHorizon, &cp.Postings, &cp.Mode, &took, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("ledger checkpoint: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger checkpoint: %w", err)
	}
	cp.Took, cp.CreatedAt = time.Duration(took)*time.Millisecond, fromMicros(at)
	rows, err := q.query(ctx, `SELECT account_id, balance FROM ledger_checkpoint_balances WHERE checkpoint_id = ?`, cp.ID)
	if err != nil {
		return nil, fmt.Errorf("ledger checkpoint balances: %w", err)
	}
	defer rows.Close()
	cp.Balances = map[int64]int64{}
	for rows.Next() {
		var id, bal int64
		if err := rows.Scan(&id, &bal); err != nil {
			return nil, err
		}
		cp.Balances[id] = bal
	}
	return &cp, rows.Err()
}

// LedgerCheckpointSave records a checkpoint and keeps the newest keep of them.
func (tx *Tx) LedgerCheckpointSave(ctx context.Context, cp *LedgerCheckpoint, keep int) error {
	if err := tx.queryRow(ctx, `INSERT INTO ledger_checkpoints (posting_horizon, order_horizon, postings, mode, took_ms, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, cp.PostingHorizon, cp.OrderHorizon, cp.Postings, cp.Mode, cp.Took.Milliseconds(),
		micros(tx.now())).Scan(&cp.ID); err != nil {
		return fmt.Errorf("save ledger checkpoint: %w", err)
	}
	for acct, bal := range cp.Balances {
		if _, err := tx.exec(ctx, `INSERT INTO ledger_checkpoint_balances (checkpoint_id, account_id, balance) VALUES (?, ?, ?)`,
			cp.ID, acct, bal); err != nil {
			return fmt.Errorf("save ledger checkpoint balance: %w", err)
		}
	}
	// Older checkpoints go (their balances with them: ON DELETE CASCADE, and by hand for a
	// SQLite opened without foreign keys).
	if _, err := tx.exec(ctx, `DELETE FROM ledger_checkpoint_balances WHERE checkpoint_id <= ?`, cp.ID-int64(keep)); err != nil {
		return fmt.Errorf("prune ledger checkpoints: %w", err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM ledger_checkpoints WHERE id <= ?`, cp.ID-int64(keep)); err != nil {
		return fmt.Errorf("prune ledger checkpoints: %w", err)
	}
	return nil
}

// LedgerCheckFrom checks the ledger from a checkpoint: what changed after it (cp nil: the whole
// history). It verifies the same invariants as LedgerCheck, each over what the checkpoint does
// not cover:
//   - every account's balance equals its checkpoint balance plus its postings above the
//     horizon, balances sum to zero and none is negative where not allowed (all accounts: they
//     are few);
//   - holds equal pending orders (all pending orders: they are few, read by the status index);
//   - the orders above the order horizon, and those any posting above the posting horizon names,
//     have the postings their status calls for;
//   - tickets, payments and the storefront as LedgerCheck does (whole tables: they grow with
//     deposits and store sales, not with H2H orders).
//
// It returns the checkpoint a clean result makes: horizons moved to what is old enough now.
func (db *DB) LedgerCheckFrom(ctx context.Context, cp *LedgerCheckpoint) (ledger.Report, *LedgerCheckpoint, error) {
	var rep ledger.Report
	start := time.Now()
	rtx, err := db.r.BeginTx(ctx, db.dialect.Snapshot)
	if err != nil {
		return rep, nil, fmt.Errorf("ledger check: %w", err)
	}
	defer func() { _ = rtx.Rollback() }()
	q := Q{q: rtx, d: db.dialect, now: db.opts.Now, keys: db.keys}

	base, next, err := checkpointBase(ctx, q, cp)
	if err != nil {
		return rep, nil, err
	}
	if err := nextHorizons(ctx, q, base, next); err != nil {
		return rep, nil, err
	}
	moved, err := postingsAbove(ctx, q, base, next, &rep)
	if err != nil {
		return rep, nil, err
	}
	if err := ledgerCheckBalancesFrom(ctx, q, base, next, moved, &rep); err != nil {
		return rep, nil, err
	}
	if err := ledgerCheckHolds(ctx, q, &rep); err != nil {
		return rep, nil, err
	}
	if cp == nil {
		err = ledgerCheckOrders(ctx, q, &rep)
	} else {
		err = ledgerCheckOrdersSince(ctx, q, &rep, base)
	}
	if err != nil {
		return rep, nil, err
	}
	if err := ledgerCheckTickets(ctx, q, &rep); err != nil {
		return rep, nil, err
	}
	if err := ledgerCheckPayments(ctx, q, &rep); err != nil {
		return rep, nil, err
	}
	if err := ledgerCheckShop(ctx, q, &rep); err != nil {
		return rep, nil, err
	}
	if err := ledgerCheckTransfers(ctx, q, &rep); err != nil {
		return rep, nil, err
	}
	next.Took = time.Since(start)
	return rep, next, nil
}

// checkpointBase is what a check starts from, and the checkpoint it fills in as it goes: cp
// itself for an incremental check; for a full one (cp nil), an empty checkpoint holding what
// was archived.
func checkpointBase(ctx context.Context, q Q, cp *LedgerCheckpoint) (base, next *LedgerCheckpoint, err error) {
	base = &LedgerCheckpoint{Balances: map[int64]int64{}}
	next = &LedgerCheckpoint{Mode: "full", Balances: map[int64]int64{}}
	if cp != nil {
		base, next.Mode = cp, "incremental"
		return base, next, nil
	}
	// The whole history starts with what was archived, as its checkpoint at the cut says.
	// (An incremental check's checkpoint has it already: Archive takes no posting above the
	// newest checkpoint's horizon.)
	if base.Balances, base.Postings, err = archivedSums(ctx, q); err != nil {
		return nil, nil, err
	}
	return base, next, nil
}

// nextHorizons sets next's horizons: the highest posting and order ids older than HorizonLag
// (see LedgerCheckpoint), never below base's.
func nextHorizons(ctx context.Context, q Q, base, next *LedgerCheckpoint) error {
	cut := micros(q.now().Add(-HorizonLag))
	if err := q.queryRow(ctx, `SELECT COALESCE(MAX(p.id), ?) FROM postings p LEFT JOIN orders o ON o.id = p.order_id
		WHERE p.id > ? AND `+postingAt+` < ?`,
		base.PostingHorizon, base.PostingHorizon, cut).Scan(&next.PostingHorizon); err != nil {
		return fmt.Errorf("ledger check horizon: %w", err)
	}
	if err := q.queryRow(ctx, `SELECT COALESCE(MAX(id), ?) FROM orders WHERE id > ? AND created_at < ?`,
		base.OrderHorizon, base.OrderHorizon, cut).Scan(&next.OrderHorizon); err != nil {
		return fmt.Errorf("ledger check order horizon: %w", err)
	}
	return nil
}

// movedSums is what the postings above the base horizon moved on one account: in all (for the
// live balance) and up to the next horizon (for the next checkpoint's balance).
type movedSums struct{ all, toNext int64 }

// postingsAbove sums the postings above base's horizon per account, and counts them into rep
// and next.
func postingsAbove(ctx context.Context, q Q, base, next *LedgerCheckpoint, rep *ledger.Report) (map[int64]*movedSums, error) {
	moved := map[int64]*movedSums{}
	rows, err := q.query(ctx, `SELECT source, destination, amount, id FROM postings WHERE id > ?`, base.PostingHorizon)
	if err != nil {
		return nil, fmt.Errorf("ledger check postings: %w", err)
	}
	defer rows.Close()
	var newPostings, toNextPostings int64
	add := func(acct, amount, id int64) {
		m := moved[acct]
		if m == nil {
			m = &movedSums{}
			moved[acct] = m
		}
		m.all += amount
		if id <= next.PostingHorizon {
			m.toNext += amount
		}
	}
	for rows.Next() {
		var src, dst, amount, id int64
		if err := rows.Scan(&src, &dst, &amount, &id); err != nil {
			return nil, err
		}
		add(src, -amount, id)
		add(dst, amount, id)
		newPostings++
		if id <= next.PostingHorizon {
			toNextPostings++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rep.Postings = base.Postings + newPostings
	next.Postings = base.Postings + toNextPostings
	return moved, nil
}

// ledgerCheckBalancesFrom checks every account's balance against its checkpoint balance plus
// what moved since, that all balances sum to zero and that none is negative where it may not
// be; it fills in next's balances.
func ledgerCheckBalancesFrom(ctx context.Context, q Q, base, next *LedgerCheckpoint, moved map[int64]*movedSums, rep *ledger.Report) error {
	rows, err := q.query(ctx, `SELECT id, code, kind, balance, allow_negative FROM accounts ORDER BY id`)
	if err != nil {
		return fmt.Errorf("ledger check balances: %w", err)
	}
	defer rows.Close()
	var total int64
	for rows.Next() {
		var id, bal int64
		var code, kind string
		var allowNeg bool
		if err := rows.Scan(&id, &code, &kind, &bal, &allowNeg); err != nil {
			return err
		}
		rep.Accounts++
		total += bal
		sum := base.Balances[id]
		next.Balances[id] = sum
		if m := moved[id]; m != nil {
			next.Balances[id] = sum + m.toNext
			sum += m.all
		}
		if bal != sum {
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: code,
				Problem: fmt.Sprintf("balance %d but postings sum to %d", bal, sum)})
		}
		if (!allowNeg || ledger.NeverNegative(ledger.Kind(kind))) && bal < 0 {
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: code,
				Problem: fmt.Sprintf("negative balance %d", bal)})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if total != 0 {
		rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: "*",
			Problem: fmt.Sprintf("balances of all accounts sum to %d, not 0", total)})
	}
	return nil
}

// ledgerCheckOrdersSince checks the orders a checkpoint does not cover: those above its order
// horizon, and those a posting above its posting horizon names (a late delivery's cost, an
// order settled since), in chunks.
func ledgerCheckOrdersSince(ctx context.Context, q Q, rep *ledger.Report, cp *LedgerCheckpoint) error {
	if err := ledgerCheckOrdersWhere(ctx, q, rep, "o.id > ?", cp.OrderHorizon); err != nil {
		return err
	}
	if err := ledgerCheckUnkeyed(ctx, q, rep, cp.PostingHorizon); err != nil {
		return err
	}
	// Only the range of the postings' primary key: a condition on order_id here made SQLite
	// read postings_order up to the order horizon instead, the whole history (2.2 s at 3M
	// orders, growing with them); the few postings above the horizon are filtered here.
	rows, err := q.query(ctx, `SELECT order_id FROM postings WHERE id > ?`, cp.PostingHorizon)
	if err != nil {
		return fmt.Errorf("ledger check orders since: %w", err)
	}
	var ids []int64
	seen := map[int64]bool{}
	for rows.Next() {
		var id sql.NullInt64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		if id.Valid && id.Int64 <= cp.OrderHorizon && !seen[id.Int64] {
			seen[id.Int64] = true
			ids = append(ids, id.Int64)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	const chunk = 500
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		args := make([]any, 0, n)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		// Orders above the horizon were checked above.
		where := "o.id IN (?" + strings.Repeat(", ?", n-1) + ")"
		if err := ledgerCheckOrdersWhere(ctx, q, rep, where, args...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}
