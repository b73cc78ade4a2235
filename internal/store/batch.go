package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// lockAssertKey is the context key of WithLockDomainAssertions.
type lockAssertKey struct{}

// WithLockDomainAssertions asks whoever opens a store with ctx (backend.Open) to turn
// Options.AssertLockDomains on: the hook by which tests reach stores that code under test opens
// itself from a URL (the CLI's, the server's).
func WithLockDomainAssertions(ctx context.Context) context.Context {
	return context.WithValue(ctx, lockAssertKey{}, true)
}

// LockDomainAssertions reports whether ctx carries WithLockDomainAssertions.
func LockDomainAssertions(ctx context.Context) bool {
	on, _ := ctx.Value(lockAssertKey{}).(bool)
	return on
}

type batchReq struct {
	ctx  context.Context
	key  int64
	fn   func(*Tx) error
	done chan error
}

// Batch runs fn inside a write transaction shared with other callers, as if in a savepoint of its
// own: if fn returns an error, its changes are rolled back and the error returned, and the others'
// changes stand (see tryBatch for how). Batch returns nil only once the transaction holding fn's
// changes has committed. fn may run more than once (when a whole batch is run again after a
// caller's failure, a deadlock or a busy error), so it must not have effects outside tx except on
// variables it resets itself.
func (db *DB) Batch(ctx context.Context, fn func(*Tx) error) error {
	return db.BatchKey(ctx, 0, fn)
}

// BatchKey is Batch for work on one lock domain, named by key (a reseller's id for its orders and
// accounts; SlotKey for one of its balance slots). A batch runs its callers in ascending key order
// (unkeyed ones first; a reseller's slots right after its own key, keyCompare), so every batch,
// on every node, takes the row locks of different domains in one global order, and two batches
// that share domains wait on each other instead of deadlocking. Callers under one key keep their
// arrival order.
func (db *DB) BatchKey(ctx context.Context, key int64, fn func(*Tx) error) error {
	fn, pending := withPendingAudit(ctx, fn)
	req := &batchReq{ctx: ctx, key: key, fn: fn, done: make(chan error, 1)}
	db.closeMu.RLock()
	if db.closed {
		db.closeMu.RUnlock()
		return ErrClosed
	}
	q := db.reqs
	if key != 0 {
		// One key, one write loop: its callers share batches instead of several loops' batches
		// queueing on the same rows.
		// A reseller's balance slots (SlotKey) go to consecutive loops after its own.
		family, slot := keyParts(key)
		q = db.keyed[(uint64(family)+uint64(slot))%uint64(len(db.keyed))]
	}
	select {
	case <-ctx.Done():
		db.closeMu.RUnlock()
		return ctx.Err()
	case q <- req:
	}
	db.closeMu.RUnlock()
	// Once queued, the request is always answered: wait for it even if ctx ends, so that the
	// caller never reports failure for a change that then commits.
	err := <-req.done
	if err == nil && pending != nil {
		pending.Committed()
	}
	if err != nil && db.dialect.Unavailable != nil && db.dialect.Unavailable(err) && !errors.Is(err, ErrUnavailable) {
		err = fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

func (db *DB) writeLoop(mine chan *batchReq) {
	defer db.wg.Done()
	batch := make([]*batchReq, 0, db.opts.MaxBatch)
	var careful int // batches still to run with savepoints, after one in which a caller failed
	for {
		batch = batch[:0]
		select {
		case <-db.stop:
			// Drain what is queued so no caller waits forever.
			for {
				select {
				case r := <-mine:
					batch = append(batch, r)
				case r := <-db.reqs:
					batch = append(batch, r)
				default:
					if len(batch) > 0 {
						db.runBatch(batch, &careful)
					}
					return
				}
			}
		case r := <-mine:
			batch = append(batch, r)
		case r := <-db.reqs:
			batch = append(batch, r)
		}
	fill:
		for len(batch) < db.opts.MaxBatch {
			select {
			case r := <-mine:
				batch = append(batch, r)
			case r := <-db.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		db.runBatch(batch, &careful)
	}
}

// carefulBatches is how many batches run with savepoints after one without them had a caller
// fail: a run of refusals (an insufficient-balance storm) then costs one replay in nine batches.
const carefulBatches = 8

// runBatch runs a batch to its end. careful is the write loop's count of batches still to run
// with a savepoint per caller.
func (db *DB) runBatch(batch []*batchReq, careful *int) {
	slices.SortStableFunc(batch, func(a, b *batchReq) int { return keyCompare(a.key, b.key) })
	results := make([]error, len(batch))
	var err error
	db.stats.batches.Add(1)
	db.stats.calls.Add(int64(len(batch)))
	savepoints := *careful > 0
	if savepoints {
		*careful--
	}
	for attempt := 0; ; attempt++ {
		err = db.tryBatch(batch, results, savepoints)
		if errors.Is(err, errReplay) {
			db.stats.replays.Add(1)
			savepoints, *careful = true, carefulBatches
			err = db.tryBatch(batch, results, true)
		}
		if err == nil || !db.dialect.Retryable(err) || attempt >= 20 {
			break
		}
		db.stats.retries.Add(1)
		time.Sleep(time.Duration(attempt+1) * 2 * time.Millisecond)
	}
	for i, r := range batch {
		if err != nil {
			r.done <- err
		} else {
			r.done <- results[i]
		}
	}
}

// errReplay is tryBatch's answer when a caller failed in a batch run without savepoints.
var errReplay = errors.New("a caller failed without a savepoint; run the batch again with them")

// tryBatch runs the batch in one transaction; results get each caller's own error. The returned
// error is the transaction's (begin or commit failed, or a savepoint could not be managed), which
// then applies to every caller.
//
// With savepoints, each caller runs in one of its own, so that a caller's failure undoes only its
// changes. Without, callers run straight in the transaction, which saves the writer two
// statements per caller and the journaling of every page a caller changes; the first failure then
// rolls the whole transaction back and returns errReplay, and the batch runs again with
// savepoints. Callers almost never fail (a refusal is mostly found before Batch), and every fn
// may run more than once, so this is safe, and cheaper on the one writer.
func (db *DB) tryBatch(batch []*batchReq, results []error, savepoints bool) error {
	// The batch's statements use a context of their own: one caller giving up must not abort
	// the transaction the others share.
	ctx := context.Background()
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Q: Q{q: sqlTx, d: db.dialect, now: db.opts.Now, cache: db.wcache, tx: sqlTx, keys: db.keys}, tx: sqlTx, db: db,
		late: map[int64]int64{}, mine: map[int64]int64{}}
	single := len(batch) == 1
	var sp batchSavepoint
	for i, r := range batch {
		results[i] = nil
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		tx.ctx, tx.key = r.ctx, r.key
		clear(tx.mine)
		clear(tx.labelsMine)
		tx.jobsMine = false
		var stop bool
		if single || !savepoints {
			stop, err = db.runStraight(tx, r, single, &results[i])
		} else {
			stop, err = db.runInSavepoint(ctx, tx, r, &sp, &results[i])
		}
		if stop {
			// The transaction is rolled back already.
			return err
		}
	}
	return db.commitBatch(ctx, tx)
}

// runStraight runs caller r straight in the batch's transaction. A failure stops the batch,
// rolled back: a retryable one is the batch's error; otherwise a single caller gets its own
// error (result), and a caller among others errReplay, which runs the batch again with
// savepoints.
func (db *DB) runStraight(tx *Tx, r *batchReq, single bool, result *error) (stop bool, err error) {
	ferr := r.fn(tx)
	if ferr == nil {
		tx.keepMine()
		return false, nil
	}
	_ = tx.tx.Rollback()
	if db.dialect.Retryable(ferr) {
		return true, ferr
	}
	if single {
		*result = ferr
		return true, nil
	}
	return true, errReplay
}

// batchSavepoint is the state of the one savepoint a batch run with savepoints keeps: set
// once, and used by a caller that succeeded since (so to be set again before the next).
type batchSavepoint struct{ set, used bool }

// runInSavepoint runs caller r in a savepoint of its own: its failure (result) undoes only its
// changes, and the batch goes on. Only a retryable failure, or a savepoint that cannot be
// managed, stops the batch, rolled back.
func (db *DB) runInSavepoint(ctx context.Context, tx *Tx, r *batchReq, sp *batchSavepoint, result *error) (stop bool, err error) {
	// One savepoint at a time, set once per caller: after a success it is released and set
	// again in one round trip; after a failure, ROLLBACK TO has left it set where it was.
	// COMMIT releases the last.
	switch {
	case !sp.set:
		if _, err := tx.exec(ctx, "SAVEPOINT kios_op"); err != nil {
			_ = tx.tx.Rollback()
			return true, fmt.Errorf("savepoint: %w", err)
		}
		sp.set = true
	case sp.used:
		if err := db.resavepoint(ctx, tx); err != nil {
			_ = tx.tx.Rollback()
			return true, fmt.Errorf("savepoint: %w", err)
		}
	}
	sp.used = true
	ferr := r.fn(tx)
	if ferr == nil {
		tx.keepMine()
		return false, nil
	}
	if db.dialect.Retryable(ferr) {
		_ = tx.tx.Rollback()
		return true, ferr
	}
	*result = ferr
	if _, err := tx.exec(ctx, "ROLLBACK TO SAVEPOINT kios_op"); err != nil {
		_ = tx.tx.Rollback()
		return true, fmt.Errorf("rollback to savepoint: %w", err)
	}
	sp.used = false
	return false, nil
}

// commitBatch applies the shared accounts' balance changes the callers made (Transfer), commits,
// and only then tells the rest of the process and other processes what changed: new jobs,
// labels, catalog and resellers.
func (db *DB) commitBatch(ctx context.Context, tx *Tx) error {
	if err := tx.applyLate(ctx); err != nil {
		_ = tx.tx.Rollback()
		return err
	}
	if err := tx.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if tx.jobsQueued {
		db.jobsQueued()
	}
	for k, id := range tx.labelsKept {
		db.labels.Store(k, id)
	}
	if tx.catalogChanged {
		db.catalogVer.Add(1)
	}
	if tx.resellersChanged {
		db.resellerVer.Add(1)
	}
	return nil
}

// resavepoint releases the savepoint and sets it again: in one round trip to a server, as two
// cached statements on an embedded database (where a trip costs nothing and parsing does).
func (db *DB) resavepoint(ctx context.Context, tx *Tx) error {
	if db.dialect.CacheStatements {
		if _, err := tx.exec(ctx, "RELEASE SAVEPOINT kios_op"); err != nil {
			return err
		}
		_, err := tx.exec(ctx, "SAVEPOINT kios_op")
		return err
	}
	_, err := tx.tx.ExecContext(ctx, "RELEASE SAVEPOINT kios_op; SAVEPOINT kios_op")
	return err
}

// Tx is one caller's view of a batch transaction.
type Tx struct {
	Q
	tx  *sql.Tx
	ctx context.Context
	db  *DB
	// key is the running caller's lock key (BatchKey's; 0 for Batch).
	key int64
	// late holds balance changes of shared system accounts made by the batch's callers that
	// succeeded; mine those of the running caller. See Transfer.
	late, mine map[int64]int64
	// catalogChanged is set by the catalog's write methods (even in a caller rolled back to its
	// savepoint: a needless bump only costs a cache rebuild); resellersChanged likewise by the
	// resellers' (a needless bump costs one epoch read).
	catalogChanged, resellersChanged bool
	// labelsMine are the labels the running caller read or made in the transaction (Tx.label),
	// labelsKept those of the callers that succeeded: the latter are cached for good when the
	// batch commits. A caller rolled back to its savepoint takes its labels with it.
	labelsMine, labelsKept map[labelKey]int64
	// jobsMine is set when the running caller queued a job or made one due now, jobsQueued when
	// a caller that succeeded did: other processes are then told once the batch has committed
	// (DB.jobsQueued).
	jobsMine, jobsQueued bool
}

func (tx *Tx) keepMine() {
	tx.jobsQueued = tx.jobsQueued || tx.jobsMine
	tx.jobsMine = false
	for id, d := range tx.mine {
		tx.late[id] += d
	}
	clear(tx.mine)
	if len(tx.labelsMine) > 0 {
		if tx.labelsKept == nil {
			tx.labelsKept = map[labelKey]int64{}
		}
		for k, id := range tx.labelsMine {
			tx.labelsKept[k] = id
		}
		clear(tx.labelsMine)
	}
}

// applyLate writes the shared system accounts' balance changes, in account order, as the batch's
// last statements: those rows are then locked for the shortest time and always after every
// reseller's rows, whatever order the callers ran in.
func (tx *Tx) applyLate(ctx context.Context) error {
	ids := make([]int64, 0, len(tx.late))
	for id, d := range tx.late {
		if d != 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		if _, err := tx.exec(ctx, `UPDATE accounts SET balance = balance + ? WHERE id = ?`, tx.late[id], id); err != nil {
			if tx.d.IsOutOfRange != nil && tx.d.IsOutOfRange(err) {
				err = fmt.Errorf("%w: %w", ErrBalanceRange, err)
			}
			return fmt.Errorf("system account %d balance: %w", id, err)
		}
	}
	return nil
}

// Key is the lock key the running caller's function was queued under: the reseller's id for
// BatchKey(resellerID), SlotKey(resellerID, S) for one of its balance slots, 0 for Batch.
func (tx *Tx) Key() int64 { return tx.key }

// Context is the context of the caller whose function is running, for calls made outside the
// database from inside fn (there should be none that block).
func (tx *Tx) Context() context.Context { return tx.ctx }
