package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// BenchmarkRoundTrips measures what one short statement costs PostgreSQL's backend and this
// process in CPU, run one round trip each (as database/sql runs Kios's statements) and
// pipelined ten to a round trip (pgx's batch protocol): the figure that says how much of an
// order's database CPU pipelining could take away (docs/PERFORMANCE.md, issue 23).
//
//	KIOS_TEST_PG=postgres://postgres@127.0.0.1:5432/test go test -run '^$' -bench RoundTrips ./internal/store/postgres/
//
// It reports db-cpu-µs/stmt (the backend's utime+stime from /proc, so PostgreSQL must run on
// this machine) and self-cpu-µs/stmt besides the time per statement.
func BenchmarkRoundTrips(b *testing.B) {
	url := os.Getenv("KIOS_TEST_PG")
	if url == "" {
		b.Skip("KIOS_TEST_PG not set")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	var pid int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		b.Fatal(err)
	}
	if _, err := readTicks(pid); err != nil {
		b.Skipf("the backend's CPU is not readable here: %v", err)
	}
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE rt_accounts (id bigint PRIMARY KEY, balance bigint NOT NULL);
		INSERT INTO rt_accounts SELECT g, 1000000 FROM generate_series(1, 1000) g`); err != nil {
		b.Fatal(err)
	}
	// A read and a write of the kind an order runs (a row by key; a balance moved), each in
	// its own round trip or ten to a round trip, all in one transaction per ten as a batch is.
	const perTx = 10
	stmts := map[string]string{
		"read":  "SELECT balance FROM rt_accounts WHERE id = $1",
		"write": "UPDATE rt_accounts SET balance = balance - 1 WHERE id = $1 AND balance >= 1",
	}
	for _, kind := range []string{"read", "write"} {
		sql := stmts[kind]
		b.Run(kind+"/one-per-round-trip", func(b *testing.B) {
			measure(b, pid, func(i int) error {
				tx, err := conn.Begin(ctx)
				if err != nil {
					return err
				}
				for k := 0; k < perTx; k++ {
					if _, err := tx.Exec(ctx, sql, 1+(i*perTx+k)%1000); err != nil {
						return err
					}
				}
				return tx.Commit(ctx)
			}, perTx)
		})
		b.Run(kind+"/pipelined", func(b *testing.B) {
			measure(b, pid, func(i int) error {
				batch := &pgx.Batch{}
				batch.Queue("BEGIN")
				for k := 0; k < perTx; k++ {
					batch.Queue(sql, 1+(i*perTx+k)%1000)
				}
				batch.Queue("COMMIT")
				return conn.SendBatch(ctx, batch).Close()
			}, perTx)
		})
	}
}

// measure runs fn b.N times (each running per statements) and reports CPU per statement.
func measure(b *testing.B, pid int, fn func(i int) error, per int) {
	db0, _ := readTicks(pid)
	self0, _ := readTicks(os.Getpid())
	start := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := fn(i); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	db1, _ := readTicks(pid)
	self1, _ := readTicks(os.Getpid())
	n := float64(b.N * per)
	tick := float64(10 * time.Millisecond / time.Microsecond) // USER_HZ 100
	b.ReportMetric(float64(db1-db0)*tick/n, "db-cpu-µs/stmt")
	b.ReportMetric(float64(self1-self0)*tick/n, "self-cpu-µs/stmt")
	b.ReportMetric(float64(time.Since(start).Microseconds())/n, "µs/stmt")
}

// readTicks is utime+stime of process pid, in clock ticks.
func readTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	ut, err := strconv.ParseInt(f[11], 10, 64)
	if err != nil {
		return 0, err
	}
	st, err := strconv.ParseInt(f[12], 10, 64)
	return ut + st, err
}
