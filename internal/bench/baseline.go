package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/kios-h2h/kios/internal/store/backend"
)

// staticBaseline measures a bare net/http server answering body (the price list Kios served, so
// that both move the same bytes) to the same client at the same concurrency: the most any HTTP
// endpoint on this machine could do.
func staticBaseline(ctx context.Context, cfg Config, c *http.Client, body []byte) (*Stats, error) {
	if len(body) == 0 {
		body = []byte(`{"error":false,"code":200,"message":"Success","data":[]}` + "\n")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	length := strconv.Itoa(len(body))
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Type", "application/json")
			h.Set("Content-Length", length)
			_, _ = w.Write(body)
		}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	p := &poster{c: c, base: "http://" + ln.Addr().String()}
	hdr := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer static"}}
	reqBody := []byte(`{"code":"static"}`)
	return runPhase(ctx, cfg, "static", map[string]int64{}, func(ctx context.Context, _ int) (int, error) {
		status, buf, err := p.post(ctx, "/static", hdr, reqBody)
		if err != nil {
			return 0, err
		}
		defer p.release(buf)
		if status != http.StatusOK {
			return 0, httpError(status, "")
		}
		return buf.Len(), nil
	})
}

// insertBaseline measures the database at url committing one minimal INSERT per transaction, at
// the same concurrency: what a server that commits each order on its own could at best do. On
// SQLite the connection is the store's own writer (WAL, synchronous=FULL, BEGIN IMMEDIATE), kept
// to one connection so that clients queue in Go rather than sleep in SQLite's busy handler.
func insertBaseline(ctx context.Context, cfg Config, url string) (*Stats, error) {
	db, err := backend.Open(ctx, url, backend.Options{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	w := db.Writer()
	if backend.Kind(url) == "sqlite" {
		w.SetMaxOpenConns(1)
	}
	q := func(s string) string {
		if p := db.Dialect().Placeholders; p != nil {
			return p(s)
		}
		return s
	}
	if _, err := w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_baseline (v BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create table: %w", err)
	}
	defer func() { _, _ = w.ExecContext(context.WithoutCancel(ctx), `DROP TABLE bench_baseline`) }()
	insert := q(`INSERT INTO bench_baseline (v) VALUES (?)`)
	var n atomic.Int64
	return runPhase(ctx, cfg, "insert", map[string]int64{}, func(ctx context.Context, _ int) (int, error) {
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, insert, n.Add(1)); err != nil {
			return 0, errors.Join(err, tx.Rollback())
		}
		return 0, tx.Commit()
	})
}
