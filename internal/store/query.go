package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

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
