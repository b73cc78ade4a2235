package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kios-h2h/kios/internal/store"
)

// jobsChannel is the channel a batch that queued a job notifies (store.Options.NotifyJobs).
// Channels are the database's, not a schema's, so the notice names the schema (nodes of one
// Kios share a schema; tests each have their own) and the process that sent it.
const jobsChannel = "kios_jobs"

// jobNotices sets opts up to tell other processes on this database's schema about queued jobs
// and to hear theirs: a NOTIFY in the batch that queued (sent at its commit) and a LISTEN on a
// connection of its own, opened when the workers first ask (store.DB.JobWakes).
func jobNotices(ctx context.Context, db *sql.DB, cfg *pgx.ConnConfig, opts *store.Options) error {
	var schema string
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return fmt.Errorf("current schema: %w", err)
	}
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return fmt.Errorf("process id for job notices: %w", err)
	}
	self := schema + "/" + hex.EncodeToString(id[:])
	opts.NotifyJobs = "SELECT pg_notify('" + jobsChannel + "', " + quoteLiteral(self) + ")"
	opts.JobListener = func(ctx context.Context, wake func()) { listenJobs(ctx, cfg, schema+"/", self, wake) }
	return nil
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// listenJobs listens until ctx ends, calling wake for each notice of another process on this
// schema. A lost connection is opened again (waiting up to 5 s between tries), with a wake each
// time: notices sent while it was down are lost, and the workers then look for themselves.
func listenJobs(ctx context.Context, cfg *pgx.ConnConfig, prefix, self string, wake func()) {
	const maxWait = 5 * time.Second
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		if connected, _ := listenOnce(ctx, cfg, prefix, self, wake); connected {
			wait = 100 * time.Millisecond
		}
		if ctx.Err() != nil {
			return
		}
		wake()
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, maxWait)
	}
}

// listenOnce opens a connection, listens and waits for notices until the connection fails or
// ctx ends. It reports whether it got as far as listening.
func listenOnce(ctx context.Context, cfg *pgx.ConnConfig, prefix, self string, wake func()) (bool, error) {
	conn, err := pgx.ConnectConfig(ctx, cfg.Copy())
	if err != nil {
		return false, fmt.Errorf("job notices: connect: %w", err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+jobsChannel); err != nil {
		return false, fmt.Errorf("job notices: listen: %w", err)
	}
	// Whatever was queued before the LISTEN took effect was not heard.
	wake()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, fmt.Errorf("job notices: %w", err)
		}
		if n.Payload != self && strings.HasPrefix(n.Payload, prefix) {
			wake()
		}
	}
}
