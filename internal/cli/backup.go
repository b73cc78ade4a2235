package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// runBackup writes a consistent copy of the database while the server runs, then proves the
// copy usable: on SQLite it opens the copy and runs the ledger check on it.
func runBackup(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("backup")
	pos, err := parse(fs, args, "FILE")
	if err != nil {
		return err
	}
	dst := pos[0]
	// The copy holds every secret the database does: created here, empty, readable by its owner
	// only (0600); VACUUM INTO and pg_dump write into it and keep that.
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("backup: %s exists; choose a new file", dst)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(dst) // no half copy, and no empty file blocking the next try
		}
	}()
	dbURL := e.DBURL()
	if backend.Kind(dbURL) == "postgres" {
		// pg_dump's snapshot is consistent while nodes keep writing, and its custom format
		// restores with pg_restore; Kios does not reimplement it.
		pgdump, err := exec.LookPath("pg_dump")
		if err != nil {
			return errors.New("backup: pg_dump not found; install the PostgreSQL client, or run: pg_dump --format=custom --file FILE URL")
		}
		conn, dumpArgs, err := pgDumpTarget(dbURL)
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		dumpArgs = append([]string{"--format=custom", "--file", dst}, append(dumpArgs, conn)...)
		cmd := exec.CommandContext(ctx, pgdump, dumpArgs...)
		cmd.Stdout, cmd.Stderr = e.Stdout, e.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("backup: pg_dump: %w", err)
		}
		done = true
		fmt.Fprintf(e.Stdout, "backup written to %s (pg_dump custom format; restore with pg_restore)\n", dst)
		return nil
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	// VACUUM INTO copies one read snapshot into a new, compact file; the server's writes go on
	// meanwhile (WAL), and the copy holds every committed order up to that snapshot.
	if _, err := e.db.Writer().ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// The copy's secrets are sealed with the live database's key; no key file is made beside it
	// (the backup and its key belong apart).
	var copyOpts backend.Options
	copyOpts.Secrets = e.db.Secrets()
	copyDB, err := backend.Open(ctx, "sqlite:"+dst, copyOpts)
	if err != nil {
		return fmt.Errorf("backup: open the copy: %w", err)
	}
	defer copyDB.Close()
	copySvc, err := core.New(ctx, copyDB, core.Config{Router: simroute.New(0), Logger: svc.Logger()})
	if err != nil {
		return fmt.Errorf("backup: open the copy: %w", err)
	}
	rep, err := copySvc.LedgerCheck(ctx)
	if err != nil {
		return fmt.Errorf("backup: check the copy: %w", err)
	}
	if !rep.OK() {
		return fmt.Errorf("backup: the copy's ledger check found %d discrepancies (is the live database clean? run kios ledger check)", len(rep.Discrepancies))
	}
	done = true
	fmt.Fprintf(e.Stdout, "backup written to %s and checked: ledger OK (%d accounts, %d postings)\n", dst, rep.Accounts, rep.Postings)
	return nil
}

// pgDumpTarget turns a Kios PostgreSQL URL into what pg_dump takes: libpq refuses the URL
// parameters only pgx knows (pool sizing, search_path), so those are dropped, and a search_path
// (Kios's tables in a schema of their own) becomes --schema.
func pgDumpTarget(raw string) (string, []string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", nil, fmt.Errorf("database URL: %w", err)
	}
	q := u.Query()
	var args []string
	if sp := q.Get("search_path"); sp != "" {
		args = append(args, "--schema", sp)
	}
	for k := range q {
		switch k {
		case "search_path", "pool_max_conns", "pool_min_conns", "pool_max_conn_lifetime", "pool_max_conn_idle_time":
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), args, nil
}
