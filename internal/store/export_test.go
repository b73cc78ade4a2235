package store

import (
	"context"
	"strconv"
)

// BatchTogether runs fns in one batch transaction, as if their callers had queued at the same
// moment, and returns each one's result. The batch first runs without savepoints, as a write
// loop's does after a run of batches in which no caller failed.
func (db *DB) BatchTogether(ctxs []context.Context, fns []func(*Tx) error) []error {
	reqs := make([]*batchReq, len(fns))
	for i, fn := range fns {
		reqs[i] = &batchReq{ctx: ctxs[i], fn: fn, done: make(chan error, 1)}
	}
	var careful int
	db.runBatch(reqs, &careful)
	out := make([]error, len(reqs))
	for i, r := range reqs {
		out[i] = <-r.done
	}
	return out
}

// SlowWriteForTest runs a write statement that takes a good while (a few hundred milliseconds).
func (tx *Tx) SlowWriteForTest(ctx context.Context) error {
	_, err := tx.exec(ctx, `UPDATE accounts SET balance = balance WHERE id IN (
		WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < `+strconv.Itoa(slowWriteRows)+`) SELECT x FROM c WHERE x < 0)`)
	return err
}
