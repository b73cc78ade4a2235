// Package backend opens a store from a database URL, choosing the backend by its scheme:
// "sqlite:PATH" (or a bare path) for embedded SQLite, "postgres://…" for PostgreSQL.
package backend

import (
	"context"
	"fmt"
	"strings"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/postgres"
	"github.com/kios-h2h/kios/internal/store/sqlite"
)

// DefaultURL is where Kios keeps its data when no --db is given.
const DefaultURL = "sqlite:./kios-data/kios.db"

// Options for Open.
type Options struct {
	store.Options
	// MaxConns bounds PostgreSQL's connection pool (0: a default from Writers and GOMAXPROCS);
	// unused on SQLite.
	MaxConns int
	// SecretKey holds the keys that seal secrets at rest, as KIOS_SECRET_KEY does; SecretKeyFile
	// names a key file instead. With neither, a SQLite database uses the key file beside it
	// (KeyFile), made on first use; PostgreSQL needs one of them (see OpenSecrets).
	SecretKey     string
	SecretKeyFile string
	// ReadOnly is for commands that only read: no key file is made and nothing is sealed. A
	// database without sealed secrets (one an older Kios wrote) then opens without a key.
	ReadOnly bool
}

// Kind returns "sqlite" or "postgres" for a database URL.
func Kind(url string) string {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		return "postgres"
	}
	return "sqlite"
}

// SQLitePath returns the file path of a sqlite URL.
func SQLitePath(url string) string {
	p := strings.TrimPrefix(url, "sqlite:")
	p = strings.TrimPrefix(p, "//")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// Open opens and migrates the database at url. A ctx carrying store.WithLockDomainAssertions (a
// test's) turns Options.AssertLockDomains on.
func Open(ctx context.Context, url string, opts Options) (*store.DB, error) {
	if url == "" {
		url = DefaultURL
	}
	if store.LockDomainAssertions(ctx) {
		opts.AssertLockDomains = true
	}
	var db *store.DB
	var err error
	switch Kind(url) {
	case "postgres":
		db, err = postgres.Open(ctx, url, postgres.Options{Options: opts.Options, MaxConns: opts.MaxConns})
	default:
		path := SQLitePath(url)
		if path == "" {
			return nil, fmt.Errorf("database URL %q: no file path", url)
		}
		db, err = sqlite.Open(ctx, path, sqlite.Options{Options: opts.Options})
	}
	if err != nil {
		return nil, err
	}
	if opts.Secrets == nil {
		if err := OpenSecrets(ctx, db, url, opts); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}
