// Package storetest gives tests a fresh database on every backend: SQLite always, PostgreSQL
// too when KIOS_TEST_PG holds a URL. Each call gets a database of its own (a temporary file, or
// a schema of its own on PostgreSQL), so tests can run in parallel.
package storetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
)

// SecretKey is the key that seals secrets in tests' PostgreSQL databases (SQLite ones use the key
// file made beside them). Tests that open a PostgreSQL database some other way (the CLI, the
// server) pass it as KIOS_SECRET_KEY does.
const SecretKey = "a2lvcy10ZXN0LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24="

// SecretKeyFile writes SecretKey to a key file (0600) in a temporary directory and returns its
// path, for tests that run the CLI on a PostgreSQL database (--secret-key-file).
func SecretKeyFile(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kios.key")
	if err := os.WriteFile(path, []byte(SecretKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Backend names a backend and opens fresh databases on it.
type Backend struct {
	Name string
	// URL returns a database URL for a fresh, empty database usable until the test ends.
	URL func(t testing.TB) string
}

// Backends lists the backends configured for this test run.
func Backends() []Backend {
	b := []Backend{{Name: "sqlite", URL: func(t testing.TB) string {
		return "sqlite:" + filepath.Join(t.TempDir(), "kios.db")
	}}}
	if pg := postgresBackend(); pg != nil {
		b = append(b, *pg)
	}
	return b
}

// Each runs fn as a parallel subtest on every configured backend.
func Each(t *testing.T, fn func(t *testing.T, b Backend)) {
	for _, b := range Backends() {
		b := b
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, b)
		})
	}
}

// Open opens a fresh database on b, closed when the test ends.
func (b Backend) Open(t testing.TB) *store.DB {
	t.Helper()
	return OpenURL(t, b.URL(t))
}

// OpenOptions opens a fresh database on b with opts (a clock, a number of writers), closed when
// the test ends.
func (b Backend) OpenOptions(t testing.TB, opts backend.Options) *store.DB {
	t.Helper()
	return OpenURLOptions(t, b.URL(t), opts)
}

// OpenAnyDomain is Open without the lock-domain assertion (store.Options.AssertLockDomains), for
// the store's own tests of the transfer primitive that move money between two resellers: a
// write no lock key covers, which Kios itself never makes.
func (b Backend) OpenAnyDomain(t testing.TB) *store.DB {
	t.Helper()
	return openURL(t, b.URL(t), backend.Options{})
}

// OpenURL opens url, closed when the test ends.
func OpenURL(t testing.TB, url string) *store.DB {
	t.Helper()
	return OpenURLOptions(t, url, backend.Options{})
}

// OpenURLOptions opens url with opts, closed when the test ends. Every test database asserts
// lock domains (store.Options.AssertLockDomains): a transfer touching a reseller's account from
// a caller not under that reseller's key fails the caller with store.ErrLockDomain.
func OpenURLOptions(t testing.TB, url string, opts backend.Options) *store.DB {
	t.Helper()
	opts.AssertLockDomains = true
	return openURL(t, url, opts)
}

func openURL(t testing.TB, url string, opts backend.Options) *store.DB {
	t.Helper()
	if opts.MaxConns == 0 {
		// Tests run in parallel, several packages at once, against one PostgreSQL server whose
		// max_connections (100 by default) they share.
		opts.MaxConns = 8
	}
	if opts.SecretKey == "" && opts.SecretKeyFile == "" && backend.Kind(url) == "postgres" {
		opts.SecretKey = SecretKey
	}
	db, err := backend.Open(context.Background(), url, opts)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
