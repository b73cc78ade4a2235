package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/store/storetest"
)

// A real deadlock between two transactions reaches the dialect's Retryable through the store's
// %w wrapping, so Batch runs the losing batch again instead of failing its callers.
func TestDeadlockIsRetryable(t *testing.T) {
	t.Parallel()
	be := storetest.Postgres(t)
	db := be.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w := db.Writer()
	if _, err := w.ExecContext(ctx, `INSERT INTO accounts (code, kind, balance, allow_negative) VALUES ('a', 'x', 0, TRUE), ('b', 'x', 0, TRUE)`); err != nil {
		t.Fatal(err)
	}
	var txs [2]*sql.Tx
	for i := range txs {
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		txs[i] = tx
	}
	codes := [2][2]string{{"a", "b"}, {"b", "a"}}
	for i, tx := range txs {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET balance = balance + 1 WHERE code = $1`, codes[i][0]); err != nil {
			t.Fatal(err)
		}
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, tx := range txs {
		wg.Add(1)
		go func(i int, tx *sql.Tx) {
			defer wg.Done()
			_, err := tx.ExecContext(ctx, `UPDATE accounts SET balance = balance + 1 WHERE code = $1`, codes[i][1])
			if err != nil {
				errs[i] = fmt.Errorf("transfer debit: %w", err)
				_ = tx.Rollback() // lets the other go on
			}
		}(i, tx)
	}
	wg.Wait()
	var failed []error
	for _, err := range errs {
		if err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) != 1 {
		t.Fatalf("want one deadlock victim, got %v", errs)
	}
	if !db.Dialect().Retryable(fmt.Errorf("place order r1: %w", failed[0])) {
		t.Fatalf("deadlock %v not retryable", failed[0])
	}
	if db.Dialect().IsUniqueViolation(failed[0]) || errors.Unwrap(failed[0]) == nil {
		t.Fatalf("deadlock misclassified: %v", failed[0])
	}
}
