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
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrNotFound is returned when a row asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrClosed is returned by writes after Close.
var ErrClosed = errors.New("store closed")

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
	// CacheStatements keeps every query prepared once per connection. SQLite (modernc) parses
	// each statement anew otherwise, which cost half of order acceptance's CPU; pgx caches
	// prepared statements by itself.
	CacheStatements bool
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
}

// DB is a Kios database: a writer pool used only through Batch, and a reader pool.
type DB struct {
	Q          // reads, on the reader pool
	w          *sql.DB
	r          *sql.DB
	dialect    *Dialect
	opts       Options
	reqs       chan *batchReq
	stop       chan struct{}
	wg         sync.WaitGroup
	closeOnce  sync.Once
	closeFuncs []func() error
	wcache     *stmtCache // nil unless the dialect caches statements
	rcache     *stmtCache
}

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
	}
	if d.CacheStatements {
		db.wcache = &stmtCache{db: writer, d: d}
		db.rcache = &stmtCache{db: reader, d: d}
	}
	db.Q = Q{q: reader, d: d, now: opts.Now, cache: db.rcache}
	for i := 0; i < opts.Writers; i++ {
		db.wg.Add(1)
		go db.writeLoop()
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

type batchReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error
}

// Batch runs fn inside a write transaction shared with other callers, in a savepoint of its own:
// if fn returns an error, its changes are rolled back and the error returned, and the others'
// changes stand. Batch returns nil only once the transaction holding fn's changes has committed.
// fn may run more than once (when a whole batch is retried after a deadlock or busy error), so it
// must not have effects outside tx except on variables it resets itself.
func (db *DB) Batch(ctx context.Context, fn func(*Tx) error) error {
	req := &batchReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case <-db.stop:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	case db.reqs <- req:
	}
	// Once queued, the request is always answered: wait for it even if ctx ends, so that the
	// caller never reports failure for a change that then commits.
	return <-req.done
}

func (db *DB) writeLoop() {
	defer db.wg.Done()
	batch := make([]*batchReq, 0, db.opts.MaxBatch)
	for {
		batch = batch[:0]
		select {
		case <-db.stop:
			// Drain what is queued so no caller waits forever.
			for {
				select {
				case r := <-db.reqs:
					batch = append(batch, r)
				default:
					if len(batch) > 0 {
						db.runBatch(batch)
					}
					return
				}
			}
		case r := <-db.reqs:
			batch = append(batch, r)
		}
	fill:
		for len(batch) < db.opts.MaxBatch {
			select {
			case r := <-db.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		db.runBatch(batch)
	}
}

func (db *DB) runBatch(batch []*batchReq) {
	results := make([]error, len(batch))
	var err error
	for attempt := 0; ; attempt++ {
		err = db.tryBatch(batch, results)
		if err == nil || !db.dialect.Retryable(err) || attempt >= 20 {
			break
		}
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

// tryBatch runs the batch in one transaction; results get each caller's own error. The returned
// error is the transaction's (begin or commit failed, or a savepoint could not be managed), which
// then applies to every caller.
func (db *DB) tryBatch(batch []*batchReq, results []error) error {
	// The batch's statements use a context of their own: one caller giving up must not abort
	// the transaction the others share.
	ctx := context.Background()
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Q: Q{q: sqlTx, d: db.dialect, now: db.opts.Now, cache: db.wcache, tx: sqlTx}, tx: sqlTx}
	single := len(batch) == 1
	for i, r := range batch {
		results[i] = nil
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		tx.ctx = r.ctx
		if single {
			if ferr := r.fn(tx); ferr != nil {
				_ = sqlTx.Rollback()
				if db.dialect.Retryable(ferr) {
					return ferr
				}
				results[i] = ferr
				return nil
			}
			continue
		}
		if _, err := tx.exec(ctx, "SAVEPOINT kios_op"); err != nil {
			_ = sqlTx.Rollback()
			return fmt.Errorf("savepoint: %w", err)
		}
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
		}
		if _, err := tx.exec(ctx, "RELEASE SAVEPOINT kios_op"); err != nil {
			_ = sqlTx.Rollback()
			return fmt.Errorf("release savepoint: %w", err)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Tx is one caller's view of a batch transaction.
type Tx struct {
	Q
	tx  *sql.Tx
	ctx context.Context
}

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
