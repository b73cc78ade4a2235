package store

import (
	"context"
	"database/sql"
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

// ExplainingForTest returns db's reads with every query explained before it runs (EXPLAIN QUERY
// PLAN: SQLite only): each query's plan, its lines' details in order, is appended to *plans (a
// plan that could not be read, as one line "explain: " and the error).
func (db *DB) ExplainingForTest(plans *[][]string) Q {
	return Q{q: explainer{r: db.r, plans: plans}, d: db.dialect, now: db.opts.Now, keys: db.keys}
}

type explainer struct {
	r     *sql.DB
	plans *[][]string
}

func (e explainer) explain(ctx context.Context, query string, args []any) {
	plan, err := e.plan(ctx, query, args)
	if err != nil {
		plan = []string{"explain: " + err.Error()}
	}
	*e.plans = append(*e.plans, plan)
}

func (e explainer) plan(ctx context.Context, query string, args []any) ([]string, error) {
	rows, err := e.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int64
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		plan = append(plan, detail)
	}
	return plan, rows.Err()
}

func (e explainer) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	e.explain(ctx, query, args)
	return e.r.ExecContext(ctx, query, args...)
}

func (e explainer) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	e.explain(ctx, query, args)
	return e.r.QueryContext(ctx, query, args...)
}

func (e explainer) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	e.explain(ctx, query, args)
	return e.r.QueryRowContext(ctx, query, args...)
}
