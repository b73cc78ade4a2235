// Package sqlite opens a Kios store on an embedded SQLite database (modernc.org/sqlite: pure Go,
// so `go run` needs no C toolchain).
//
// Durability and concurrency, as SQLite needs them: WAL mode with synchronous=FULL, so a commit
// that returned survives power loss; one writer connection whose transactions all begin with
// BEGIN IMMEDIATE (a deferred transaction that reads and then writes fails with SQLITE_BUSY
// whatever the busy timeout); a separate pool of read-only connections, which WAL lets run beside
// the writer. Other processes (the admin CLI) write through the same file and wait on the busy
// timeout.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/pressly/goose/v3"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/kios-h2h/kios/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is SQLite's.
var Dialect = &store.Dialect{
	Name:              "sqlite",
	ReusesIDs:         true,
	CompactInvoices:   true,
	OrderDays:         true,
	Retryable:         isBusy,
	IsUniqueViolation: isUnique,
	Unavailable:       isUnavailable,
	CacheStatements:   true,
	SizeQuery: `SELECT (p.page_count - f.freelist_count) * s.page_size
		FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s`,
	TableSizeQuery: `SELECT name, SUM(pgsize) FROM dbstat GROUP BY name`,
}

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

func isBusy(err error) bool {
	c := sqliteCode(err) & 0xff
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}

// isUnavailable: the disk is full, the file is read-only (or was made so under a running server),
// or the storage failed.
func isUnavailable(err error) bool {
	switch sqliteCode(err) & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		return true
	}
	return false
}

func isUnique(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// Options for Open.
type Options struct {
	store.Options
	// Readers is the size of the read pool; 0 means 2×GOMAXPROCS.
	Readers int
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Add("_pragma", "query_only(ON)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		// A record deleted or rewritten is zeroed where that costs no extra write, so a secret
		// once stored in clear (before it was sealed) does not linger in the page.
		q.Add("_pragma", "secure_delete(FAST)")
		// Savepoints (one per caller in a group commit) journal the pages they change; in
		// memory rather than a temporary file, that is no write syscalls on the one writer,
		// whose CPU bounds order acceptance.
		q.Add("_pragma", "temp_store(MEMORY)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and migrates it to the latest schema.
func Open(ctx context.Context, path string, opts Options) (*store.DB, error) {
	if err := CreateFile(path); err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	// Only the one group-commit loop writes, so at most one write transaction is ever open. The
	// second connection exists so that statements can be prepared into the cache while that
	// transaction holds the first; it never writes.
	w.SetMaxOpenConns(2)
	w.SetMaxIdleConns(2)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || !strings.EqualFold(mode, "wal") {
		w.Close()
		return nil, fmt.Errorf("sqlite %s: journal_mode is %q, want wal: %v", path, mode, err)
	}
	if err := Migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite %s readers: %w", path, err)
	}
	n := opts.Readers
	if n <= 0 {
		n = 2 * runtime.GOMAXPROCS(0)
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	r.SetConnMaxLifetime(0)
	o := opts.Options
	o.Writers = 1
	return store.New(w, r, Dialect, o), nil
}

// Provider returns the goose migration provider for db.
func Provider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, db, sub)
}

// Migrate brings the schema up to date.
func Migrate(ctx context.Context, db *sql.DB) error {
	p, err := Provider(db)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// ServerLock is an exclusive lock on a database file, held by the one server that works its job
// queue. It lets that server release job leases left by its own previous process at start.
type ServerLock struct{ f *os.File }

// ErrLocked is returned when another server holds the lock.
var ErrLocked = errors.New("another kios server is using this database")

// LockServer takes the server lock for the database at path.
func LockServer(path string) (*ServerLock, error) {
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("server lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("server lock: %w", err)
	}
	return &ServerLock{f: f}, nil
}

// Release gives the lock up.
func (l *ServerLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	return l.f.Close()
}

// CreateFile makes sure the database file exists, readable by its owner only (0600, in a
// directory created 0700): it holds resellers' api keys and suppliers' secrets. SQLite gives
// its -wal and -shm files the database file's permissions. An existing file is left as it is.
func CreateFile(path string) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}
