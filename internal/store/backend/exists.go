package backend

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/kios-h2h/kios/internal/store/postgres"
)

// ErrNoDatabase is a URL naming no Kios database: a missing SQLite file, or a database no
// migration has been applied to.
var ErrNoDatabase = errors.New("no Kios database")

// CheckURL refuses a database URL of a scheme Kios does not know ("mysql://…", "sqlite3:…"),
// which would otherwise be taken for a file path and quietly create a new, empty database.
func CheckURL(url string) error {
	if url == "" || Kind(url) == "postgres" || strings.HasPrefix(url, "sqlite:") {
		return nil
	}
	// A bare path may hold a colon (C:\kios.db, ./a:b.db) but not a scheme before any slash.
	if i := strings.IndexByte(url, ':'); i > 1 && !strings.ContainsAny(url[:i], `/\.`) {
		return fmt.Errorf("database URL %q: unknown scheme %q (use sqlite:PATH or postgres://…)", url, url[:i])
	}
	return nil
}

// Exists reports, without creating or migrating anything, whether url holds a Kios database: for
// SQLite a file whose migrations table exists, for PostgreSQL a database (schema) with at least
// one migration applied. It answers ErrNoDatabase, wrapped with the place, when it does not.
func Exists(ctx context.Context, url string) error {
	if url == "" {
		url = DefaultURL
	}
	if Kind(url) == "postgres" {
		db, name, err := postgres.Connect(ctx, url, 1)
		if err != nil {
			return err
		}
		defer db.Close()
		var ok bool
		err = db.QueryRowContext(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&ok)
		if err == nil && ok {
			err = db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM goose_db_version WHERE version_id > 0)`).Scan(&ok)
		}
		if err != nil {
			return fmt.Errorf("postgres %s: %w", name, err)
		}
		if !ok {
			return fmt.Errorf("%w at %s", ErrNoDatabase, name)
		}
		return nil
	}
	path := SQLitePath(url)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w at %s", ErrNoDatabase, path)
	} else if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("sqlite %s: %w", path, err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&n); err != nil {
		return fmt.Errorf("sqlite %s: %w", path, err)
	}
	if n == 0 {
		return fmt.Errorf("%w at %s", ErrNoDatabase, path)
	}
	return nil
}
