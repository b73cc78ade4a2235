package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kios-h2h/kios/internal/store"
)

// Archive is an archive file (kios archive --to sqlite:FILE): a SQLite database holding the
// archived rows of each table store.ArchiveTables names, with the columns the live database had
// (the tables are made, and widened, from the rows written: an archive outlives schema
// changes), plus the accounts their postings name and, on every row, the batch that wrote it.
// It implements store.ArchiveSink.
type Archive struct {
	db   *sql.DB
	name string
}

// OpenArchive opens, creating if needed, the archive file at path.
func OpenArchive(ctx context.Context, path string) (*Archive, error) {
	if err := CreateFile(path); err != nil {
		return nil, fmt.Errorf("archive %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("archive %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	a := &Archive{db: db}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS archive_meta (name TEXT NOT NULL, created_at INTEGER NOT NULL)`); err != nil {
		db.Close()
		return nil, fmt.Errorf("archive %s: %w", path, err)
	}
	err = db.QueryRowContext(ctx, `SELECT name FROM archive_meta`).Scan(&a.name)
	if errors.Is(err, sql.ErrNoRows) {
		a.name = "archive-" + uuid.NewString()
		_, err = db.ExecContext(ctx, `INSERT INTO archive_meta (name, created_at) VALUES (?, ?)`, a.name, time.Now().UnixMicro())
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("archive %s: %w", path, err)
	}
	// The tables the order checks read exist even before a row of theirs is written.
	for _, t := range append(slices.Clone(store.ArchiveTables), struct{ Name, Key string }{"accounts", "id"}) {
		cols := map[string][]string{
			"orders":            {"id", "invoice", "status", "price", "cost", "testing", "reseller_id", "updated_at"},
			"postings":          {"id", "order_id", "kind", "source", "destination", "amount", "memo", "created_at"},
			"attempts":          {"id", "order_id"},
			"attempt_log":       {"id", "attempt_id"},
			"text_orders":       {"order_id"},
			"bill_inquiries":    {"id", "order_id"},
			"order_commissions": {"order_id", "upline_id", "amount"},
			"order_flags":       {"order_id", "flag"},
			"accounts":          {"id", "code", "kind"},
		}[t.Name]
		if err := a.ensureTable(ctx, db, t.Name, cols); err != nil {
			db.Close()
			return nil, fmt.Errorf("archive %s: %w", path, err)
		}
	}
	return a, nil
}

// Name is the archive's identity (store.ArchiveSink).
func (a *Archive) Name() string { return a.name }

// DB is the archive's database, for store.DB.VerifyArchive and for reading.
func (a *Archive) DB() *sql.DB { return a.db }

// Close closes the file.
func (a *Archive) Close() error { return a.db.Close() }

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// ensureTable makes table with at least cols and a batch column (accounts has none: it is
// replaced row by row).
func (a *Archive) ensureTable(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, table string, cols []string) error {
	rows, err := q.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, table)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		have[n] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(have) == 0 {
		defs := []string{"id PRIMARY KEY"}
		if !slices.Contains(cols, "id") {
			defs = nil
		}
		for _, c := range cols {
			if c != "id" {
				defs = append(defs, quoteIdent(c))
			}
		}
		if table != "accounts" {
			defs = append(defs, "batch INTEGER NOT NULL DEFAULT 0")
		}
		if _, err := q.ExecContext(ctx, `CREATE TABLE `+quoteIdent(table)+` (`+strings.Join(defs, ", ")+`)`); err != nil {
			return fmt.Errorf("create %s: %w", table, err)
		}
		if table != "accounts" {
			if _, err := q.ExecContext(ctx, `CREATE INDEX `+quoteIdent(table+"_batch")+` ON `+quoteIdent(table)+` (batch)`); err != nil {
				return fmt.Errorf("index %s: %w", table, err)
			}
		}
		if slices.Contains(cols, "order_id") && table != "postings" {
			if _, err := q.ExecContext(ctx, `CREATE INDEX `+quoteIdent(table+"_order")+` ON `+quoteIdent(table)+` (order_id)`); err != nil {
				return fmt.Errorf("index %s: %w", table, err)
			}
		}
		if table == "postings" {
			if _, err := q.ExecContext(ctx, `CREATE INDEX postings_order ON postings (order_id, kind)`); err != nil {
				return fmt.Errorf("index %s: %w", table, err)
			}
		}
		if table == "orders" {
			if _, err := q.ExecContext(ctx, `CREATE INDEX orders_invoice ON orders (invoice)`); err != nil {
				return fmt.Errorf("index %s: %w", table, err)
			}
		}
		return nil
	}
	for _, c := range cols {
		if !have[c] {
			if _, err := q.ExecContext(ctx, `ALTER TABLE `+quoteIdent(table)+` ADD COLUMN `+quoteIdent(c)); err != nil {
				return fmt.Errorf("widen %s: %w", table, err)
			}
		}
	}
	return nil
}

// Write stores batch b in one transaction, after deleting whatever rows of batch b.Number or
// later an interrupted run left; rows are replaced by their primary key (store.ArchiveSink).
func (a *Archive) Write(ctx context.Context, b *store.ArchiveBatch) error {
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for _, rs := range append(slices.Clone(b.Tables), b.Accounts) {
		if err := a.ensureTable(ctx, tx, rs.Table, rs.Columns); err != nil {
			return err
		}
		if rs.Table != "accounts" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+quoteIdent(rs.Table)+` WHERE batch >= ?`, b.Number); err != nil {
				return fmt.Errorf("archive %s: %w", rs.Table, err)
			}
		}
		if len(rs.Rows) == 0 {
			continue
		}
		cols := make([]string, 0, len(rs.Columns)+1)
		for _, c := range rs.Columns {
			cols = append(cols, quoteIdent(c))
		}
		marks := strings.Repeat("?, ", len(rs.Columns))
		if rs.Table != "accounts" {
			cols = append(cols, "batch")
			marks += "?, "
		}
		st, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO `+quoteIdent(rs.Table)+` (`+strings.Join(cols, ", ")+`) VALUES (`+strings.TrimSuffix(marks, ", ")+`)`)
		if err != nil {
			return fmt.Errorf("archive %s: %w", rs.Table, err)
		}
		for _, r := range rs.Rows {
			args := slices.Clone(r)
			for i, v := range args {
				if t, ok := v.(time.Time); ok {
					args[i] = t.UnixMicro()
				}
			}
			if rs.Table != "accounts" {
				args = append(args, b.Number)
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				st.Close()
				return fmt.Errorf("archive %s: %w", rs.Table, err)
			}
		}
		st.Close()
	}
	return tx.Commit()
}
