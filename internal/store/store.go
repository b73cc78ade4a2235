// Package store keeps Kios's state in a relational database: SQLite embedded (package
// store/sqlite) or PostgreSQL (package store/postgres). Both run the same SQL, written once here;
// where the two differ, the difference is a field of Dialect rather than an if scattered through
// the queries. One conformance suite (store/storetest) runs against both.
//
// Writes go through DB.Batch: a group commit that runs many callers' functions in one database
// transaction, each inside its own savepoint, and answers each caller only after that transaction
// has committed. One fsync then covers many orders, while every caller still sees its own effect
// durable before it answers its client.
//
// Where things are: store.go the DB and its pools; dialect.go what differs between backends;
// batch.go the group commit (Batch, BatchKey, the write loops, Tx); query.go how reads and
// writes reach a pool or a transaction (Q, prepared statements); ledger.go the accounts and
// postings, ledgercheck.go the ledger's invariants (LedgerCheck); one file per domain's tables
// for the rest.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	// NotifyJobs, when set, is the statement that tells other processes' workers to wake, sent
	// after a batch that queued a job (or made one due now) has committed (see wakes.go).
	NotifyJobs string
	// NotifyGap is the least time between two NotifyJobs of this process (0: 20 ms).
	NotifyGap time.Duration
	// JobListener, when set, listens until ctx ends for other processes' NotifyJobs and calls
	// wake for each (DB.JobWakes starts it).
	JobListener func(ctx context.Context, wake func())
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
	// labels caches, by labelKey, the id of a label (Tx.label); a label never changes.
	labels sync.Map
	// labelIdx says, per label table (labelTable.slot), whether labels has it whole.
	labelIdx [3]labelIndex
	// wakes is the listener of other processes' queued jobs (JobWakes); notifier tells them of
	// this process's (nil when the backend cannot).
	wakes    jobWakes
	notifier *jobNotifier
	// seenMessages are final orders' messages seen lately (Tx.messageLabel).
	seenMessages messageSet
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
	if opts.NotifyGap <= 0 {
		opts.NotifyGap = defaultNotifyGap
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
	db.startNotifier()
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
		db.stopNotifier()
		db.stopWakes()
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
