package storetest

import (
	"context"
	"database/sql"
	"testing"

	"github.com/kios-h2h/kios/internal/store"
)

// Faults are injected into a running store's own writer connections rather than made real:
// tests run unprivileged (no small tmpfs to fill) or as root (for whom a chmod changes nothing,
// and which an open file descriptor ignores anyway). On SQLite, PRAGMA max_page_count makes
// writes fail with SQLITE_FULL exactly as a full disk does, and PRAGMA query_only with
// SQLITE_READONLY as a read-only file does, through the same code paths.

// OnWriters runs a statement (a PRAGMA) on every connection of db's writer pool.
func OnWriters(t testing.TB, db *store.DB, stmt string) {
	t.Helper()
	ctx := context.Background()
	w := db.Writer()
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	// Each connection is held until all are taken, so that each Conn call gets another one.
	for i := 0; i < w.Stats().MaxOpenConnections; i++ {
		c, err := w.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		if _, err := c.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// ReadOnly makes db's writer refuse every write, as a read-only database file does, until
// Writable.
func ReadOnly(t testing.TB, db *store.DB) { OnWriters(t, db, "PRAGMA query_only = ON") }

// Writable undoes ReadOnly.
func Writable(t testing.TB, db *store.DB) { OnWriters(t, db, "PRAGMA query_only = OFF") }
