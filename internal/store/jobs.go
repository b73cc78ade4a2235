package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/job"
)

// Job is a unit of durable background work (package job).
type Job = job.Job

// Job kinds (package job).
const (
	JobFulfil     = job.Fulfil
	JobCallback   = job.Callback
	JobTextFinal  = job.TextFinal
	JobTextSend   = job.TextSend
	JobCommission = job.Commission
)

// JobInsert queues a job to run at runAt.
func (tx *Tx) JobInsert(ctx context.Context, kind string, orderID int64, runAt time.Time) error {
	if _, err := tx.exec(ctx, `INSERT INTO jobs (kind, order_id, run_at, attempts, locked_by, locked_until, last_error) VALUES (?, ?, ?, 0, '', 0, '')`,
		kind, orderID, micros(runAt)); err != nil {
		return fmt.Errorf("queue %s job for order %d: %w", kind, orderID, err)
	}
	tx.jobsMine = true
	return nil
}

// JobClaim leases up to limit due jobs of the given kinds to node until now+lease. A job whose
// lease ran out (its node died) is due again. Claiming is a write, so it goes through Batch.
func (tx *Tx) JobClaim(ctx context.Context, node string, kinds []string, limit int, lease time.Duration) ([]Job, error) {
	now := tx.now()
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ")
	args := []any{micros(now)}
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, micros(now), limit)
	until := now.Add(lease)
	args = append([]any{node, micros(until)}, args...)
	// One statement claims the whole batch: a job's own UPDATE each cost PostgreSQL a round trip
	// per order (docs/PERFORMANCE.md's statement profile). RETURNING gives no order, so the
	// claims are sorted as the queue orders them.
	rows, err := tx.query(ctx, `UPDATE jobs SET locked_by = ?, locked_until = ?, attempts = attempts + 1 WHERE id IN (
		SELECT id FROM jobs WHERE run_at <= ? AND kind IN (`+ph+`) AND locked_until < ?
		ORDER BY run_at, id LIMIT ? `+tx.d.SkipLocked+`)
		RETURNING id, kind, order_id, run_at, attempts, last_error`, args...)
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	defer rows.Close()
	var jobs []Job
	for rows.Next() {
		var j Job
		var runAt int64
		if err := rows.Scan(&j.ID, &j.Kind, &j.OrderID, &runAt, &j.Attempts, &j.LastError); err != nil {
			return nil, fmt.Errorf("claim jobs: %w", err)
		}
		j.RunAt, j.LockedBy, j.LockedUntil = fromMicros(runAt), node, until
		jobs = append(jobs, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	slices.SortFunc(jobs, func(a, b Job) int {
		if c := a.RunAt.Compare(b.RunAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return jobs, nil
}

// JobDelete removes a job whose work is done. It does not check the lease: every caller deletes
// only once the job's purpose is met (its order is final, its callback delivered), which holds
// whichever worker now has the job, so the other worker finds nothing left to do.
func (tx *Tx) JobDelete(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM jobs WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete job %d: %w", id, err)
	}
	return nil
}

// JobRetry releases claim j of a job to run again at runAt, noting why. It does nothing when the
// job has been claimed again since (the lease ran out): releasing would hand the new holder's job
// to a third worker while the holder is still at it.
func (tx *Tx) JobRetry(ctx context.Context, j Job, runAt time.Time, lastError string) error {
	if len(lastError) > 500 {
		lastError = lastError[:500]
	}
	if _, err := tx.exec(ctx, `UPDATE jobs SET run_at = ?, locked_by = '', locked_until = 0, last_error = ? WHERE id = ? AND locked_by = ? AND attempts = ?`,
		micros(runAt), lastError, j.ID, j.LockedBy, j.Attempts); err != nil {
		return fmt.Errorf("retry job %d: %w", j.ID, err)
	}
	return nil
}

// JobExtend renews the lease of claim j. It returns false when the lease was lost (it ran out
// and the job was claimed again, by another node or by another worker of this one, since every
// claim counts in Attempts): the caller must then stop working on it.
func (tx *Tx) JobExtend(ctx context.Context, j Job, lease time.Duration) (bool, error) {
	now := tx.now()
	res, err := tx.exec(ctx, `UPDATE jobs SET locked_until = ? WHERE id = ? AND locked_by = ? AND attempts = ? AND locked_until >= ?`,
		micros(now.Add(lease)), j.ID, j.LockedBy, j.Attempts, micros(now))
	if err != nil {
		return false, fmt.Errorf("extend job %d: %w", j.ID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// JobRenewMax is how many jobs one JobRenew statement names: within every backend's limit on
// bound parameters, and small enough that one statement holds its row locks briefly.
const JobRenewMax = 500

// JobRenew renews, in one statement, the leases node holds on the jobs ids (at most
// JobRenewMax) to now+lease, and returns how many it renewed. A lease that already ran out is
// not renewed, whoever holds the job now: another node may have claimed it, and a claim of
// this node's own is renewed by its holder's id in the same list. So thousands of jobs waiting
// on upstream answers cost one statement per JobRenewMax of them, not one each; the per-claim
// checks (JobExtend before a purchase, JobRetry) still guard each claim.
func (tx *Tx) JobRenew(ctx context.Context, node string, ids []int64, lease time.Duration) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	if len(ids) > JobRenewMax {
		return 0, fmt.Errorf("renew %d job leases: at most %d at once", len(ids), JobRenewMax)
	}
	now := tx.now()
	args := make([]any, 0, len(ids)+3)
	args = append(args, micros(now.Add(lease)), node, micros(now))
	for _, id := range ids {
		args = append(args, id)
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	query := `UPDATE jobs SET locked_until = ? WHERE locked_by = ? AND locked_until >= ? AND id IN (` + ph + `)`
	if tx.d.SkipLocked != "" {
		// Rows locked by another transaction are skipped rather than waited on: such a job is
		// being settled (deleted) or released by its holder, or its lease extended by it, so
		// renewing it now is moot. Waiting made every settlement that deletes one of the
		// hundreds of jobs a renewal names wait for the renewal's whole batch to commit
		// (docs/PERFORMANCE.md, issue 23).
		query = `UPDATE jobs SET locked_until = ? WHERE id IN (SELECT id FROM jobs WHERE locked_by = ? AND locked_until >= ? AND id IN (` +
			ph + `) ORDER BY id ` + tx.d.SkipLocked + `)`
	}
	res, err := tx.exec(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("renew %d job leases: %w", len(ids), err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// JobReleaseAll releases every lease, so its jobs run again at once. Used at start
// on SQLite, where one server owns the database file and leases left over belong to its own
// previous, dead, process.
func (tx *Tx) JobReleaseAll(ctx context.Context) error {
	if _, err := tx.exec(ctx, `UPDATE jobs SET locked_by = '', locked_until = 0 WHERE locked_until > 0`); err != nil {
		return fmt.Errorf("release job leases: %w", err)
	}
	return nil
}

// JobCounts counts queued jobs by kind.
func (q Q) JobCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := q.query(ctx, `SELECT kind, COUNT(*) FROM jobs GROUP BY kind`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// NextJobAt returns when the earliest queued job is due, or zero when none is queued.
func (q Q) NextJobAt(ctx context.Context, kinds []string) (time.Time, error) {
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ")
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = k
	}
	var at *int64
	if err := q.queryRow(ctx, `SELECT MIN(run_at) FROM jobs WHERE kind IN (`+ph+`)`, args...).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("next job: %w", err)
	}
	if at == nil {
		return time.Time{}, nil
	}
	return fromMicros(*at), nil
}

// JobRunNow makes an order's jobs of one kind due at once (a callback brought news).
func (tx *Tx) JobRunNow(ctx context.Context, kind string, orderID int64) error {
	if _, err := tx.exec(ctx, `UPDATE jobs SET run_at = ? WHERE kind = ? AND order_id = ?`, micros(tx.now()), kind, orderID); err != nil {
		return fmt.Errorf("run %s jobs of order %d now: %w", kind, orderID, err)
	}
	tx.jobsMine = true
	return nil
}

// JobList lists queued jobs of a kind, soonest first (for support and tests).
func (q Q) JobList(ctx context.Context, kind string) ([]Job, error) {
	rows, err := q.query(ctx, `SELECT id, kind, order_id, run_at, attempts, locked_by, locked_until, last_error
		FROM jobs WHERE kind = ? ORDER BY run_at, id`, kind)
	if err != nil {
		return nil, fmt.Errorf("list %s jobs: %w", kind, err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		var runAt, until int64
		if err := rows.Scan(&j.ID, &j.Kind, &j.OrderID, &runAt, &j.Attempts, &j.LockedBy, &until, &j.LastError); err != nil {
			return nil, err
		}
		j.RunAt, j.LockedUntil = fromMicros(runAt), fromMicros(until)
		out = append(out, j)
	}
	return out, rows.Err()
}
