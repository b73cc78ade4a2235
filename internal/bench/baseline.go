package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
)

// staticServer is the HTTP baseline: a bare net/http server answering a fixed body, driven by the
// same client at the same concurrency as Kios. It is the most any HTTP endpoint moving those
// bytes could do on this machine.
type staticServer struct {
	srv  *http.Server
	base string
}

func startStatic(body []byte) (*staticServer, error) {
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
	return &staticServer{srv: srv, base: "http://" + ln.Addr().String()}, nil
}

func (s *staticServer) close() { _ = s.srv.Close() }

func (s *staticServer) op(c *http.Client) op {
	p := &poster{c: c, base: s.base}
	hdr := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer static"}}
	reqBody := []byte(`{"code":"static"}`)
	return func(ctx context.Context, _ int) (int, error) {
		status, buf, err := p.post(ctx, "/static", hdr, reqBody)
		if err != nil {
			return 0, err
		}
		defer p.release(buf)
		if status != http.StatusOK {
			return 0, httpError(status, "")
		}
		return buf.Len(), nil
	}
}

// insertBase is the database baseline: the same database committing one minimal INSERT per
// transaction, at the same concurrency. It is what a server that commits each order on its own
// could at best do. On SQLite it uses a store opened like Kios's (WAL, synchronous=FULL, BEGIN
// IMMEDIATE), its writer held to one connection so that clients queue in Go rather than sleep in
// SQLite's busy handler.
type insertBase struct {
	db     *store.DB
	w      *sql.DB
	insert string
	n      atomic.Int64
}

func openInsertBase(ctx context.Context, url string, opts backend.Options) (*insertBase, error) {
	db, err := backend.Open(ctx, url, opts)
	if err != nil {
		return nil, err
	}
	w := db.Writer()
	if backend.Kind(url) == "sqlite" {
		w.SetMaxOpenConns(1)
	}
	if _, err := w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_baseline (v BIGINT NOT NULL)`); err != nil {
		db.Close()
		return nil, fmt.Errorf("create table: %w", err)
	}
	insert := `INSERT INTO bench_baseline (v) VALUES (?)`
	if p := db.Dialect().Placeholders; p != nil {
		insert = p(insert)
	}
	return &insertBase{db: db, w: w, insert: insert}, nil
}

func (b *insertBase) close() {
	_, _ = b.w.ExecContext(context.Background(), `DROP TABLE bench_baseline`)
	_ = b.db.Close()
}

func (b *insertBase) op() op {
	return func(ctx context.Context, _ int) (int, error) {
		tx, err := b.w.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, b.insert, b.n.Add(1)); err != nil {
			return 0, errors.Join(err, tx.Rollback())
		}
		return 0, tx.Commit()
	}
}
