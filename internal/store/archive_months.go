package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
)

// Months (PostgreSQL, Dialect.Partitioned; migration 00271 and docs/OPERATIONS.md, "Partitions"):
// orders are partitioned by id, one partition per WIB month (orders_pYYYYMM holds the ids
// YYYYMM×10^10 and up), and postings by their order's id in the same ranges (postings_pYYYYMM).
// A month whose every order may be archived is given up whole: its batches are written to the
// archive as Archive's are, and then one transaction counts them, adds the month's postings to
// the checkpoint, deletes the rows that hang off its orders (attempts, their log, flags, …),
// keeps its references (archived_refs) and detaches and drops its two partitions, instead of
// deleting its orders and postings row by row.
//
// Crash safety is the batches': until that transaction commits, the live database holds the
// whole month and counts none of its batches, so the next run writes them again under the same
// numbers. The transaction checks first that the month is what was written: a fingerprint of
// its orders (count, sum of their times — an order's updated_at only grows — and none Pending
// or after the cut) and of its postings (count, highest id, sum) taken before the batches were
// read, taken again under a lock that keeps writers out of the month's two partitions.
//
// The lock domain: as Archive's batches, no balance moves. The transaction holds the month's
// partitions (EXCLUSIVE: reads go on) from its start, and the parent tables (ACCESS EXCLUSIVE,
// which DETACH takes) only for the detach at its end, just before it commits: orders are held
// up for that instant, not for the deletes. It waits at most lock_timeout for either lock and
// is then tried again.

// monthPartition is one month's pair of partitions.
type monthPartition struct {
	month  int   // YYYYMM
	lo, hi int64 // its orders' ids: lo ≤ id < hi
}

func (m monthPartition) orders() string   { return "orders_p" + strconv.Itoa(m.month) }
func (m monthPartition) postings() string { return "postings_p" + strconv.Itoa(m.month) }

// start is the month's first instant, WIB.
func (m monthPartition) start() time.Time {
	return time.Date(m.month/100, time.Month(m.month%100), 1, 0, 0, 0, 0, catalog.Jakarta)
}

// monthBase is the first order id of month m (YYYYMM), as kios_month_base.
func monthBase(m int) int64 { return int64(m) * 10_000_000_000 }

// monthAfter is the month after m (YYYYMM), as kios_month_after.
func monthAfter(m int) int {
	if m%100 == 12 {
		return m + 89
	}
	return m + 1
}

// PartitionsAhead is how many months after the current one EnsurePartitions makes.
const PartitionsAhead = 2

// EnsurePartitions makes the partitions of this month and the PartitionsAhead months after it
// where missing (Dialect.Partitioned; nothing elsewhere), and returns how many months it made.
// A server runs it when it starts and every hour: a month without its partitions is not an
// outage (orders take ids from the month before), but the month cannot then be archived whole.
func (db *DB) EnsurePartitions(ctx context.Context) (int, error) {
	if !db.dialect.Partitioned {
		return 0, nil
	}
	var n int
	if err := db.w.QueryRowContext(ctx, `SELECT kios_ensure_months($1)`, PartitionsAhead).Scan(&n); err != nil {
		return 0, fmt.Errorf("partitions: %w", err)
	}
	return n, nil
}

// Partitions lists the months that have partitions, oldest first (none where the backend has
// none).
func (q Q) Partitions(ctx context.Context) ([]int, error) {
	ms, err := q.partitionMonths(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(ms))
	for i, m := range ms {
		out[i] = m.month
	}
	return out, nil
}

func (q Q) partitionMonths(ctx context.Context) ([]monthPartition, error) {
	if !q.d.Partitioned {
		return nil, nil
	}
	rows, err := q.query(ctx, `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'orders'::regclass`)
	if err != nil {
		return nil, fmt.Errorf("partitions: %w", err)
	}
	defer rows.Close()
	var out []monthPartition
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		m, err := strconv.Atoi(strings.TrimPrefix(name, "orders_p"))
		if err != nil || !strings.HasPrefix(name, "orders_p") {
			continue // orders_legacy: the orders from before partitioning
		}
		out = append(out, monthPartition{month: m, lo: monthBase(m), hi: monthBase(monthAfter(m))})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b monthPartition) int { return a.month - b.month })
	return out, nil
}

// archiveMonths gives up, oldest first, each month that ended before the cut and may go whole;
// it stops at the first that may not (the batches then take what they can of it).
func (db *DB) archiveMonths(ctx context.Context, archiveID, cut int64, opt ArchiveOptions, res *ArchiveResult) error {
	months, err := db.partitionMonths(ctx)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	for _, m := range months {
		next := monthPartition{month: monthAfter(m.month)}
		if micros(next.start()) > cut {
			return nil
		}
		done, err := db.archiveMonth(ctx, archiveID, cut, m, opt, res)
		if err != nil {
			return fmt.Errorf("archive month %d: %w", m.month, err)
		}
		if !done {
			return nil
		}
	}
	return nil
}

// monthPrint is what a month holds, as archiveMonth checks it did not change.
type monthPrint struct {
	orders, postings, lastPosting int64
	// times and amounts are sums, as text: exact, where a month's sum of microsecond times
	// overflows 64 bits.
	times, amounts string
	// movable: every order final, made and last changed before the cut, none with a job, no
	// posting above the last ledger checkpoint's horizon, and ids no longer drawn in the month.
	movable bool
}

func (q Q) monthPrint(ctx context.Context, m monthPartition, cut int64) (monthPrint, error) {
	var p monthPrint
	var held int64
	if err := q.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(created_at + updated_at), 0)::text,
		COUNT(*) FILTER (WHERE status = 'Pending' OR created_at >= ? OR created_at + updated_at >= ?)
		FROM `+m.orders(), cut, cut).Scan(&p.orders, &p.times, &held); err != nil {
		return p, fmt.Errorf("month orders: %w", err)
	}
	if err := q.queryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(amount), 0)::text FROM `+m.postings()).
		Scan(&p.postings, &p.lastPosting, &p.amounts); err != nil {
		return p, fmt.Errorf("month postings: %w", err)
	}
	var jobs bool
	if err := q.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM jobs WHERE order_id >= ? AND order_id < ?)`, m.lo, m.hi).Scan(&jobs); err != nil {
		return p, fmt.Errorf("month jobs: %w", err)
	}
	// The sequence still in the month's block: kios_order_id stayed there for want of the next
	// month's partitions, and may give the month a new order yet.
	var seq int64
	if err := q.queryRow(ctx, `SELECT last_value FROM orders_id_seq`).Scan(&seq); err != nil {
		return p, fmt.Errorf("order ids: %w", err)
	}
	horizon, err := archiveHorizon(ctx, q)
	if err != nil {
		return p, err
	}
	p.movable = held == 0 && !jobs && (seq < m.lo || seq >= m.hi) && (horizon < 0 || p.lastPosting <= horizon)
	return p, nil
}

// archiveMonth gives month m up whole, if it may go, and reports whether it did.
func (db *DB) archiveMonth(ctx context.Context, archiveID, cut int64, m monthPartition, opt ArchiveOptions, res *ArchiveResult) (bool, error) {
	before, err := db.monthPrint(ctx, m, cut)
	if err != nil || !before.movable {
		return false, err
	}
	var start int64
	if err := db.queryRow(ctx, `SELECT batches FROM archives WHERE id = ?`, archiveID).Scan(&start); err != nil {
		return false, fmt.Errorf("archive: %w", err)
	}
	sums := map[int64]*accountArchive{}
	var orders, postings int64
	number, after := start, m.lo-1
	for {
		b, next, skipped, err := db.archiveRead(ctx, archiveID, after, m.hi, cut, opt.BatchSize)
		if err != nil {
			return false, err
		}
		if skipped > 0 {
			return false, nil // an order of the month must stay (archiveRead): the batches take the rest
		}
		if b == nil {
			break
		}
		number++
		b.Number = number
		if opt.Sink != nil {
			if err := opt.Sink.Write(ctx, b); err != nil {
				return false, fmt.Errorf("archive batch %d: write: %w", b.Number, err)
			}
		}
		if opt.Fault != nil {
			if err := opt.Fault("written", b.Number); err != nil {
				return false, err
			}
		}
		sumPostings(sums, b.postings)
		orders += int64(len(b.Orders))
		postings += int64(len(b.postings))
		after = next
	}
	if orders != before.orders || postings != before.postings {
		return false, nil // the month changed while it was read: the batches will take it
	}
	for try := 1; ; try++ {
		err = db.solo(ctx, func(tx *Tx) error {
			return tx.archiveMonthGiveUp(ctx, archiveID, cut, m, before, start, number, sums, opt.Fault)
		})
		if err == nil || try == 3 || !db.dialect.Retryable(err) {
			break
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(time.Duration(try) * time.Second):
		}
	}
	if errors.Is(err, ErrArchiveChanged) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	res.Batches += number - start
	res.Orders += orders
	res.Postings += postings
	res.Months = append(res.Months, m.month)
	if opt.Progress != nil {
		opt.Progress(*res)
	}
	return true, nil
}

// archiveMonthGiveUp is a month's live transaction (see the comment at the top of this file).
func (tx *Tx) archiveMonthGiveUp(ctx context.Context, archiveID, cut int64, m monthPartition, before monthPrint,
	start, number int64, sums map[int64]*accountArchive, fault func(string, int64) error) error {
	if _, err := tx.exec(ctx, `SET LOCAL lock_timeout = '5s'`); err != nil {
		return fmt.Errorf("archive month: %w", err)
	}
	if _, err := tx.exec(ctx, `LOCK TABLE `+m.orders()+`, `+m.postings()+` IN EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("archive month lock: %w", err)
	}
	now, err := tx.monthPrint(ctx, m, cut)
	if err != nil {
		return err
	}
	if now != before {
		return fmt.Errorf("month %d: %w", m.month, ErrArchiveChanged)
	}
	r, err := tx.exec(ctx, `UPDATE archives SET batches = ?, orders = orders + ?, postings = postings + ?, updated_at = ?
		WHERE id = ? AND batches = ?`, number, before.orders, before.postings, micros(tx.now()), archiveID, start)
	if err != nil {
		return fmt.Errorf("archive count: %w", err)
	}
	if n, err := r.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return fmt.Errorf("month %d: another archiver counted batches first: %w", m.month, ErrArchiveChanged)
	}
	if err := tx.archiveMonthChildren(ctx, m); err != nil {
		return err
	}
	if err := tx.archiveCheckpointSums(ctx, archiveID, sums); err != nil {
		return err
	}
	if fault != nil {
		if err := fault("deleted", number); err != nil {
			return err
		}
	}
	for _, q := range []string{
		`ALTER TABLE orders DETACH PARTITION ` + m.orders(),
		`ALTER TABLE postings DETACH PARTITION ` + m.postings(),
		`DROP TABLE ` + m.orders() + `, ` + m.postings(),
	} {
		if _, err := tx.exec(ctx, q); err != nil {
			return fmt.Errorf("archive month %d: %w", m.month, err)
		}
	}
	return nil
}

// archiveMonthChildren deletes the rows that name the month's orders (its partitions go whole),
// keeping their references as archiveDeleteOrders does.
func (tx *Tx) archiveMonthChildren(ctx context.Context, m monthPartition) error {
	if _, err := tx.exec(ctx, `DELETE FROM attempt_log WHERE attempt_id IN (SELECT id FROM attempts WHERE order_id >= ? AND order_id < ?)`,
		m.lo, m.hi); err != nil {
		return fmt.Errorf("archive delete attempt_log: %w", err)
	}
	for _, t := range slices.Backward(ArchiveTables) {
		if t.Name == "attempt_log" || t.Name == "orders" || t.Name == "postings" {
			continue
		}
		if _, err := tx.exec(ctx, `DELETE FROM `+t.Name+` WHERE order_id >= ? AND order_id < ?`, m.lo, m.hi); err != nil {
			return fmt.Errorf("archive delete %s: %w", t.Name, err)
		}
	}
	if _, err := tx.exec(ctx, `DELETE FROM multi_guards WHERE order_id >= ? AND order_id < ?`, m.lo, m.hi); err != nil {
		return fmt.Errorf("archive delete multi_guards: %w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO archived_refs (reseller_id, reference)
		SELECT reseller_id, reference FROM `+m.orders()+` ON CONFLICT DO NOTHING`); err != nil {
		return fmt.Errorf("archive references: %w", err)
	}
	// A detach deletes no row, so the guard's trigger (kios_order_unref) does not run.
	if _, err := tx.exec(ctx, `DELETE FROM order_refs r USING `+m.orders()+` o
		WHERE r.reseller_id = o.reseller_id AND r.reference = o.reference`); err != nil {
		return fmt.Errorf("archive references: %w", err)
	}
	return nil
}

// solo runs fn in a transaction of its own on the writer pool, outside the group commit: for
// statements that take table locks (a detach), which must not hold up other callers' writes
// in a shared batch, nor fail them.
func (db *DB) solo(ctx context.Context, fn func(*Tx) error) error {
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Q: Q{q: sqlTx, d: db.dialect, now: db.opts.Now, cache: db.wcache, tx: sqlTx, keys: db.keys}, tx: sqlTx, ctx: ctx, db: db,
		late: map[int64]int64{}, mine: map[int64]int64{}}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
