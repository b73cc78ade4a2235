// Package store keeps Kios's state in a relational database: SQLite embedded (package
// store/sqlite) or PostgreSQL (package store/postgres). Both run the same SQL, written once here;
// where the two differ, the difference is a field of Dialect rather than an if scattered through
// the queries. One conformance suite (store/storetest) runs against both.
//
// Writes go through DB.Batch: a group commit that runs many callers' functions in one database
// transaction, each inside its own savepoint, and answers each caller only after that transaction
// has committed. One fsync then covers many orders, while every caller still sees its own effect
// durable before it answers its client.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kios-h2h/kios/internal/keyring"
)

// ErrNotFound is returned when a row asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrClosed is returned by writes after Close.
var ErrClosed = errors.New("store closed")

// ErrUnavailable wraps a write's error when the database cannot take writes at all: the disk is
// full, the database is read-only, or the storage failed. Nothing of the caller's function was
// committed; the server should answer "try again later" (a 5xx), not blame the request.
var ErrUnavailable = errors.New("database unavailable for writes")

// Dialect is what differs between the backends.
type Dialect struct {
	Name string // "sqlite" or "postgres"
	// Placeholders rewrites the "?" placeholders the queries are written with, when the backend
	// wants "$1".
	Placeholders func(string) string
	// SkipLocked is appended to the SELECT that claims jobs: "FOR UPDATE SKIP LOCKED" on
	// PostgreSQL so that nodes never wait on one another's claims; empty on SQLite, where the
	// single writer already serializes claims.
	SkipLocked string
	// Retryable reports whether a failed transaction may simply be run again (deadlock,
	// serialization failure, SQLITE_BUSY).
	Retryable func(error) bool
	// IsUniqueViolation reports a unique-constraint error.
	IsUniqueViolation func(error) bool
	// IsOutOfRange reports an integer overflow the database refused (PostgreSQL's 22003); nil
	// where the database does not refuse one (SQLite, guarded by explicit range conditions).
	IsOutOfRange func(error) bool
	// LateSystemBalances makes Transfer update the balances of shared system accounts (revenue,
	// deposits: accounts of no reseller) at the end of the batch, in account order, instead of
	// at once: with several write loops and nodes, a hot row locked mid-batch in whatever order
	// the callers come would deadlock batches against each other. Needs account ids that are
	// never reused (PostgreSQL identities). Off on SQLite, whose one writer cannot deadlock.
	LateSystemBalances bool
	// WritableCTE: the backend runs UPDATE … RETURNING inside WITH, so Transfer's debit, credit
	// and posting go to the server as one statement (PostgreSQL) rather than three (SQLite,
	// where a statement costs no round trip).
	WritableCTE bool
	// Snapshot is the options of a read transaction that sees the whole database at one
	// instant (LedgerCheck): nil on SQLite, where every read transaction does; REPEATABLE READ
	// on PostgreSQL, whose default READ COMMITTED takes a new snapshot per statement.
	Snapshot *sql.TxOptions
	// Unavailable reports an error that no write can avoid until an operator acts (disk full,
	// read-only database, I/O error); Batch wraps such errors with ErrUnavailable. Nil: none.
	Unavailable func(error) bool
	// CacheStatements keeps every query prepared once per connection. SQLite (modernc) parses
	// each statement anew otherwise, which cost half of order acceptance's CPU; pgx caches
	// prepared statements by itself.
	CacheStatements bool
	// SizeQuery answers one row: the bytes the database's data takes (SQLite: pages in use;
	// PostgreSQL: pg_database_size). TableSizeQuery answers (name, bytes) per table and index.
	SizeQuery, TableSizeQuery string
}

// DollarPlaceholders rewrites "?" to "$1", "$2"… outside quoted strings.
func DollarPlaceholders(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inStr := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inStr = !inStr
			b.WriteByte(c)
		case c == '?' && !inStr:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Options configure a DB.
type Options struct {
	// Writers is how many group-commit loops run at once: 1 on SQLite (one writer), a few on
	// PostgreSQL.
	Writers int
	// MaxBatch bounds how many callers share one transaction.
	MaxBatch int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Secrets seals the secrets kept readable (api keys, supplier secrets, TOTP secrets); nil
	// until UseSecrets is called, and reading or writing a secret then fails.
	Secrets *keyring.Ring
	// AssertLockDomains makes Transfer refuse (ErrLockDomain) to touch a reseller's account from
	// a caller that is not running under that reseller's key (BatchKey). It is the test-enforced
	// form of the rule that every write moving a reseller's money runs in its lock domain; tests
	// turn it on (storetest does, and WithLockDomainAssertions for stores opened from a URL),
	// production leaves it off (it costs a lookup per account, cached).
	AssertLockDomains bool
}

// DB is a Kios database: a writer pool used only through Batch, and a reader pool.
type DB struct {
	Q          // reads, on the reader pool
	w          *sql.DB
	r          *sql.DB
	dialect    *Dialect
	opts       Options
	reqs       chan *batchReq   // unkeyed requests, for any write loop
	keyed      []chan *batchReq // keyed requests, one queue per write loop
	stop       chan struct{}
	wg         sync.WaitGroup
	closeOnce  sync.Once
	closeFuncs []func() error
	// closeMu orders Batch's enqueueing before Close's stop: a request is either queued while
	// the write loops still run (and so answered) or refused with ErrClosed, never stranded.
	closeMu sync.RWMutex
	closed  bool

	keys *keyHolder

	wcache *stmtCache // nil unless the dialect caches statements
	rcache *stmtCache

	catalogVer atomic.Uint64
	// resellerVer counts committed transactions that changed resellers or their allowlists
	// through this DB; epoch is the last database epochs read (see EpochsWithin).
	resellerVer atomic.Uint64
	epoch       epochRead

	stats struct{ batches, calls, retries, replays atomic.Int64 }
	// system caches, by account id, an account's accountTraits (its reseller, none for a shared
	// system account, and whether it may go negative); neither ever changes once it exists.
	system sync.Map
}

// BatchStats counts the write path's work since Open.
type BatchStats struct {
	Batches int64 // transactions committed or failed
	Calls   int64 // Batch callers served
	Retries int64 // whole batches run again after a deadlock, serialization failure or busy error
	// Replays counts batches run without savepoints in which a caller failed, run again with
	// a savepoint per caller (see tryBatch).
	Replays int64
}

// Stats returns the write path's counters.
func (db *DB) Stats() BatchStats {
	return BatchStats{Batches: db.stats.batches.Load(), Calls: db.stats.calls.Load(), Retries: db.stats.retries.Load(),
		Replays: db.stats.replays.Load()}
}

// CatalogVersion changes after every committed transaction that changed products, variants or
// prices through this DB. Caches of what is derived from the catalog (a dialect's encoded price
// list) compare it to know they are stale. Changes made through another process (the admin
// CLI), and stock taken by orders, are not counted: such caches must also expire by age.
func (db *DB) CatalogVersion() uint64 { return db.catalogVer.Load() }

// ResellersVersion changes after every committed transaction that changed resellers, their
// allowlists or the downline tree (markups included) through this DB; like CatalogVersion it does
// not see other processes.
func (db *DB) ResellersVersion() uint64 { return db.resellerVer.Load() }

// New wraps open pools. writer and reader may be the same pool (PostgreSQL).
func New(writer, reader *sql.DB, d *Dialect, opts Options, closers ...func() error) *DB {
	if opts.Writers <= 0 {
		opts.Writers = 1
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 256
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	db := &DB{
		w: writer, r: reader, dialect: d, opts: opts,
		reqs:       make(chan *batchReq, 4096),
		stop:       make(chan struct{}),
		closeFuncs: closers,
		keys:       &keyHolder{},
	}
	if opts.Secrets != nil {
		db.keys.ring.Store(opts.Secrets)
	}
	if d.CacheStatements {
		db.wcache = &stmtCache{db: writer, d: d}
		db.rcache = &stmtCache{db: reader, d: d}
	}
	db.Q = Q{q: reader, d: d, now: opts.Now, cache: db.rcache, keys: db.keys}
	for i := 0; i < opts.Writers; i++ {
		db.keyed = append(db.keyed, make(chan *batchReq, 4096))
	}
	for i := 0; i < opts.Writers; i++ {
		db.wg.Add(1)
		go db.writeLoop(db.keyed[i])
	}
	return db
}

// Dialect returns the backend's dialect.
func (db *DB) Dialect() *Dialect { return db.dialect }

// Writer is the writer pool, for migrations and tools.
func (db *DB) Writer() *sql.DB { return db.w }

// Reader is the reader pool.
func (db *DB) Reader() *sql.DB { return db.r }

// Now is the store's clock.
func (db *DB) Now() time.Time { return db.opts.Now() }

// Close stops the write loops after they finish what they hold, then closes the pools.
func (db *DB) Close() error {
	var err error
	db.closeOnce.Do(func() {
		db.closeMu.Lock()
		db.closed = true
		db.closeMu.Unlock()
		close(db.stop)
		db.wg.Wait()
		var errs []error
		if db.r != db.w {
			errs = append(errs, db.r.Close())
		}
		db.wcache.close()
		db.rcache.close()
		errs = append(errs, db.w.Close())
		for _, f := range db.closeFuncs {
			errs = append(errs, f())
		}
		err = errors.Join(errs...)
	})
	return err
}

// Ping checks both pools.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.w.PingContext(ctx); err != nil {
		return fmt.Errorf("ping writer: %w", err)
	}
	return db.r.PingContext(ctx)
}

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
// accounts). A batch runs its callers in ascending key order (unkeyed ones first), so every batch,
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
		q = db.keyed[uint64(key)%uint64(len(db.keyed))]
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
	slices.SortStableFunc(batch, func(a, b *batchReq) int { return cmp.Compare(a.key, b.key) })
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
	spSet, spUsed := false, false
	for i, r := range batch {
		results[i] = nil
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		tx.ctx, tx.key = r.ctx, r.key
		clear(tx.mine)
		if single {
			if ferr := r.fn(tx); ferr != nil {
				_ = sqlTx.Rollback()
				if db.dialect.Retryable(ferr) {
					return ferr
				}
				results[i] = ferr
				return nil
			}
			tx.keepMine()
			continue
		}
		if !savepoints {
			if ferr := r.fn(tx); ferr != nil {
				_ = sqlTx.Rollback()
				if db.dialect.Retryable(ferr) {
					return ferr
				}
				return errReplay
			}
			tx.keepMine()
			continue
		}
		// One savepoint at a time, set once per caller: after a success it is released and set
		// again in one round trip; after a failure, ROLLBACK TO has left it set where it was.
		// COMMIT releases the last.
		switch {
		case !spSet:
			if _, err := tx.exec(ctx, "SAVEPOINT kios_op"); err != nil {
				_ = sqlTx.Rollback()
				return fmt.Errorf("savepoint: %w", err)
			}
			spSet = true
		case spUsed:
			if err := db.resavepoint(ctx, tx); err != nil {
				_ = sqlTx.Rollback()
				return fmt.Errorf("savepoint: %w", err)
			}
		}
		spUsed = true
		if ferr := r.fn(tx); ferr != nil {
			if db.dialect.Retryable(ferr) {
				_ = sqlTx.Rollback()
				return ferr
			}
			results[i] = ferr
			if _, err := tx.exec(ctx, "ROLLBACK TO SAVEPOINT kios_op"); err != nil {
				_ = sqlTx.Rollback()
				return fmt.Errorf("rollback to savepoint: %w", err)
			}
			spUsed = false
		} else {
			tx.keepMine()
		}
	}
	if err := tx.applyLate(ctx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
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
}

func (tx *Tx) keepMine() {
	for id, d := range tx.mine {
		tx.late[id] += d
	}
	clear(tx.mine)
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
// BatchKey(resellerID), 0 for Batch.
func (tx *Tx) Key() int64 { return tx.key }

// Context is the context of the caller whose function is running, for calls made outside the
// database from inside fn (there should be none that block).
func (tx *Tx) Context() context.Context { return tx.ctx }

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Q runs queries on a pool or inside a transaction: every read method works on both.
type Q struct {
	q     querier
	d     *Dialect
	now   func() time.Time
	cache *stmtCache // nil: no statement cache
	tx    *sql.Tx    // set when q runs inside a transaction
	keys  *keyHolder
}

// stmt returns the cached prepared statement for query, bound to q's transaction if any; nil
// when statements are not cached (or preparing failed: the plain path then reports the error).
func (q Q) stmt(ctx context.Context, query string) *sql.Stmt {
	if q.cache == nil {
		return nil
	}
	st, err := q.cache.get(ctx, query)
	if err != nil {
		return nil
	}
	if q.tx != nil {
		// Prepared once per connection: database/sql keeps the statement prepared on the
		// transaction's connection for every later transaction on it.
		return q.tx.StmtContext(ctx, st)
	}
	return st
}

// txContext is the context a statement runs with. Inside a batch transaction it is never
// cancelled: a caller giving up half-way must not abort the transaction the others share (SQLite
// interrupts a cancelled statement, and an interrupted write rolls the whole transaction back;
// pgx breaks the connection). The caller is answered after the commit in any case.
func (q Q) txContext(ctx context.Context) context.Context {
	if q.tx != nil {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (q Q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = q.txContext(ctx)
	if st := q.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	if q.d.Placeholders != nil {
		query = q.d.Placeholders(query)
	}
	return q.q.ExecContext(ctx, query, args...)
}

func (q Q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = q.txContext(ctx)
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	if q.d.Placeholders != nil {
		query = q.d.Placeholders(query)
	}
	return q.q.QueryContext(ctx, query, args...)
}

func (q Q) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = q.txContext(ctx)
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	if q.d.Placeholders != nil {
		query = q.d.Placeholders(query)
	}
	return q.q.QueryRowContext(ctx, query, args...)
}

// stmtCache holds one prepared statement per distinct query text on a pool.
type stmtCache struct {
	db *sql.DB
	d  *Dialect
	m  sync.Map // query -> *sql.Stmt
}

func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := c.m.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	q := query
	if c.d.Placeholders != nil {
		q = c.d.Placeholders(q)
	}
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if v, loaded := c.m.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.m.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
}

// micros is how timestamps are stored: unix microseconds in a 64-bit integer, the same on both
// backends and free of driver time-zone conversions.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}
