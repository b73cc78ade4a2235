// Package postgres opens a Kios store on PostgreSQL through pgx (github.com/jackc/pgx/v5), used
// as a database/sql driver so that the store's one set of queries runs unchanged.
//
// Several Kios nodes may share one database. Correctness between them rests on PostgreSQL itself:
// conditional UPDATEs and CHECK constraints take row locks (no balance goes negative), unique
// constraints with ON CONFLICT DO NOTHING make a reference name one order, and job claims use
// FOR UPDATE SKIP LOCKED with leases. Deadlocks and serialization failures between nodes' batches
// are reported as retryable, and the store runs the batch again.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/crc64"
	"io/fs"
	neturl "net/url"
	"runtime"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/kios-h2h/kios/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// SQLSTATE codes the store acts on.
const (
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
	// codeLockNotAvailable is lock_timeout's: set only by the transactions that take table
	// locks (archiving a month), which are then run again.
	codeLockNotAvailable = "55P03"
	codeUniqueViolation  = "23505"
	codeOutOfRange       = "22003" // numeric_value_out_of_range
)

// Dialect is PostgreSQL's.
var Dialect = &store.Dialect{
	Name:              "postgres",
	Placeholders:      store.DollarPlaceholders,
	SkipLocked:        "FOR UPDATE SKIP LOCKED",
	ForUpdate:         "FOR UPDATE",
	Retryable:         isRetryable,
	IsUniqueViolation: isUnique,
	IsOutOfRange:      func(err error) bool { return sqlState(err) == codeOutOfRange },
	Unavailable:       isUnavailable,
	// Identities are never reused, and with several write loops and nodes the revenue and
	// deposits rows would otherwise deadlock batches.
	LateSystemBalances: true,
	SizeQuery:          `SELECT pg_database_size(current_database())`,
	// A partition (migration 00271: orders_pYYYYMM, postings_other, …) counts as its table.
	TableSizeQuery: `SELECT COALESCE(p.relname, c.relname), SUM(pg_total_relation_size(c.oid))::bigint
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent
		WHERE n.nspname = current_schema() AND c.relkind = 'r' GROUP BY 1`,
	WritableCTE: true,
	Partitioned: true,
	// READ COMMITTED, PostgreSQL's default, takes a new snapshot per statement; a check that
	// reads several tables must see them at one instant.
	Snapshot: &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
}

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func isRetryable(err error) bool {
	switch sqlState(err) {
	case codeSerializationFailure, codeDeadlockDetected, codeLockNotAvailable:
		return true
	}
	return false
}

func isUnique(err error) bool { return sqlState(err) == codeUniqueViolation }

// isUnavailable reports errors no write can avoid until an operator acts: class 53
// (insufficient resources: disk full, out of memory, too many connections), a read-only
// transaction (a standby, or default_transaction_read_only), and I/O errors.
func isUnavailable(err error) bool {
	code := sqlState(err)
	return strings.HasPrefix(code, "53") || code == "25006" || code == "58030"
}

// Options for Open.
type Options struct {
	store.Options
	// MaxConns bounds the connection pool shared by writers and readers; 0 means Writers plus
	// 4×GOMAXPROCS. Each write loop holds one connection for the length of its transaction.
	MaxConns int
}

// DefaultWriters is how many group-commit loops run at once when Options.Writers is 0: enough
// that one batch's commit (its fsync) overlaps the next batch's statements.
const DefaultWriters = 4

// Open connects to the database at url (postgres://user@host:port/db?sslmode=…, with any pgx
// runtime parameter such as search_path) and migrates it to the latest schema. Nodes starting
// at once take turns migrating under an advisory lock.
func Open(ctx context.Context, url string, opts Options) (*store.DB, error) {
	if opts.Writers <= 0 {
		opts.Writers = DefaultWriters
	}
	url, fromURL, err := poolSize(url)
	if err != nil {
		return nil, err
	}
	n := opts.MaxConns
	if n <= 0 {
		n = fromURL
	}
	if n <= 0 {
		n = opts.Writers + 4*runtime.GOMAXPROCS(0)
	}
	db, name, err := Connect(ctx, url, n)
	if err != nil {
		return nil, err
	}
	if err := Migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres %s: %w", name, err)
	}
	cfg, err := pgconnConfig(url)
	if err != nil {
		db.Close()
		return nil, err
	}
	o := opts.Options
	if err := jobNotices(ctx, db, cfg, &o); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres %s: %w", name, err)
	}
	sdb := store.New(db, db, Dialect, o)
	// The months ahead, made at every start: a node down over a month's turn comes back to
	// partitions made up to date (EnsurePartitions).
	if _, err := sdb.EnsurePartitions(ctx); err != nil {
		_ = sdb.Close()
		return nil, fmt.Errorf("postgres %s: %w", name, err)
	}
	return sdb, nil
}

// Connect opens a pool of at most maxConns connections to the database at url and checks that
// it answers, without migrating it. name identifies the database in messages (no password).
func Connect(ctx context.Context, url string, maxConns int) (db *sql.DB, name string, err error) {
	url, _, err = poolSize(url)
	if err != nil {
		return nil, "", err
	}
	cfg, err := pgconnConfig(url)
	if err != nil {
		return nil, "", err
	}
	name = redact(cfg)
	db = stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, "", fmt.Errorf("postgres %s: %w", name, err)
	}
	return db, name, nil
}

// Provider returns the goose migration provider for db. Its lock is a session advisory lock
// keyed by the schema migrated, so nodes sharing a schema migrate one at a time while databases
// in other schemas (tests) do not wait on one another.
func Provider(ctx context.Context, db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var schema string
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return nil, fmt.Errorf("current schema: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(lockID(schema)),
		lock.WithLockTimeout(1, 600), // wait up to 10 minutes for another node's migration
	)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
}

func lockID(schema string) int64 {
	return int64(crc64.Checksum([]byte("kios-migrate:"+schema), crc64.MakeTable(crc64.ECMA)) >> 1)
}

// Migrate brings the schema up to date.
func Migrate(ctx context.Context, db *sql.DB) error {
	p, err := Provider(ctx, db)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

func pgconnConfig(url string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// pgx's parse errors already leave the password out.
		return nil, fmt.Errorf("postgres URL: %w", err)
	}
	return cfg, nil
}

// redact names the database for messages without its password.
func redact(cfg *pgx.ConnConfig) string {
	return cfg.User + "@" + cfg.Host + ":" + strconv.Itoa(int(cfg.Port)) + "/" + cfg.Database
}

// poolSize takes the pool_max_conns parameter (as pgxpool names it) out of a postgres:// URL,
// since the server would refuse it as a run-time setting. It returns 0 when the URL has none.
func poolSize(dbURL string) (string, int, error) {
	u, err := neturl.Parse(dbURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dbURL, 0, nil // a keyword/value DSN: left to pgx
	}
	q := u.Query()
	v := q.Get("pool_max_conns")
	if v == "" {
		return dbURL, 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return "", 0, fmt.Errorf("postgres URL: pool_max_conns %q: want a positive number", v)
	}
	q.Del("pool_max_conns")
	u.RawQuery = q.Encode()
	return u.String(), n, nil
}
