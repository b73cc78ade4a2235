package postgres

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestPoolSize(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, out string
		n       int
		bad     bool
	}{
		{"postgres://u@h:5432/db?sslmode=disable", "postgres://u@h:5432/db?sslmode=disable", 0, false},
		{"postgres://u@h/db?pool_max_conns=20&sslmode=disable", "postgres://u@h/db?sslmode=disable", 20, false},
		{"postgresql://u@h/db?pool_max_conns=0", "", 0, true},
		{"postgres://u@h/db?pool_max_conns=x", "", 0, true},
		{"host=h user=u dbname=db", "host=h user=u dbname=db", 0, false},
	} {
		out, n, err := poolSize(c.in)
		if (err != nil) != c.bad || out != c.out || n != c.n {
			t.Errorf("poolSize(%q) = %q, %d, %v", c.in, out, n, err)
		}
	}
}

func TestErrorClasses(t *testing.T) {
	t.Parallel()
	wrap := func(code string) error { return fmt.Errorf("place order: transfer: %w", &pgconn.PgError{Code: code}) }
	for _, c := range []struct {
		err               error
		retryable, unique bool
	}{
		{nil, false, false},
		{errors.New("boom"), false, false},
		{wrap("40001"), true, false},
		{wrap("40P01"), true, false},
		{wrap("23505"), false, true},
		{wrap("23514"), false, false}, // a CHECK violation is final
	} {
		if isRetryable(c.err) != c.retryable || isUnique(c.err) != c.unique {
			t.Errorf("%v: retryable %v, unique %v", c.err, isRetryable(c.err), isUnique(c.err))
		}
	}
	if lockID("public") == lockID("t_1") || lockID("public") < 0 {
		t.Fatal("lock ids must differ by schema and be non-negative")
	}
}
