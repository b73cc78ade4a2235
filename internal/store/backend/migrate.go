package backend

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	"github.com/pressly/goose/v3"

	"github.com/kios-h2h/kios/internal/store/postgres"
	"github.com/kios-h2h/kios/internal/store/sqlite"
)

// Migrations opens the database at dbURL without migrating it and returns its migration
// provider, for `kios migrate status` (what is applied) and `kios migrate up`, and a function
// that closes the database.
func Migrations(ctx context.Context, dbURL string) (*goose.Provider, func() error, error) {
	if dbURL == "" {
		dbURL = DefaultURL
	}
	switch Kind(dbURL) {
	case "postgres":
		db, _, err := postgres.Connect(ctx, dbURL, 2)
		if err != nil {
			return nil, nil, err
		}
		p, err := postgres.Provider(ctx, db)
		if err != nil {
			db.Close()
			return nil, nil, fmt.Errorf("migrations: %w", err)
		}
		return p, db.Close, nil
	default:
		path := SQLitePath(dbURL)
		if path == "" {
			return nil, nil, fmt.Errorf("database URL %q: no file path", dbURL)
		}
		if err := sqlite.CreateFile(path); err != nil {
			return nil, nil, fmt.Errorf("sqlite %s: %w", path, err)
		}
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
		db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		if err != nil {
			return nil, nil, fmt.Errorf("sqlite %s: %w", path, err)
		}
		db.SetMaxOpenConns(1)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, nil, fmt.Errorf("sqlite %s: %w", path, err)
		}
		p, err := sqlite.Provider(db)
		if err != nil {
			db.Close()
			return nil, nil, fmt.Errorf("migrations: %w", err)
		}
		return p, db.Close, nil
	}
}
