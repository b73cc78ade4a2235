package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/store/postgres"
)

// PostgresEnv names the environment variable holding the PostgreSQL server tests run against,
// e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const PostgresEnv = "KIOS_TEST_PG"

// postgresBackend returns the PostgreSQL backend when KIOS_TEST_PG is set. Each database it hands
// out is a schema of its own, named t_<random>, selected through the URL's search_path and
// dropped when the test ends, so tests run in parallel on one server.
func postgresBackend() *Backend {
	base := os.Getenv(PostgresEnv)
	if base == "" {
		return nil
	}
	return &Backend{Name: "postgres", URL: func(t testing.TB) string {
		t.Helper()
		return PostgresSchema(t, base)
	}}
}

// Postgres is the PostgreSQL backend, for a test that needs it; the test is skipped when
// KIOS_TEST_PG is not set.
func Postgres(t testing.TB) Backend {
	t.Helper()
	pg := postgresBackend()
	if pg == nil {
		t.Skip("needs PostgreSQL: set " + PostgresEnv)
	}
	return *pg
}

// PostgresSchema creates an empty schema on the server at base, dropped when the test ends, and
// returns base with search_path set to it.
func PostgresSchema(t testing.TB, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, _, err := postgres.Connect(ctx, base, 1)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema on %s: %v", PostgresEnv, err)
	}
	t.Cleanup(func() {
		// Registered before the store's Close, so it runs after it: no connection still uses
		// the schema.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, _, err := postgres.Connect(ctx, base, 1)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
