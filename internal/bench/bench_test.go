package bench_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/app"
	"github.com/kios-h2h/kios/internal/bench"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestRun runs a small bench on each dialect and checks the figures add up and that the JSON
// carries the keys scripts rely on.
func TestRun(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"basstore", "digiswitch"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			res, err := bench.Run(context.Background(), bench.Config{Dialect: dialect, Concurrency: 4, Orders: 120, SKUs: 50, Baseline: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Accepted != 120 || res.Fulfilled != 120 || len(res.Errors) != 0 {
				t.Errorf("accepted %d, fulfilled %d, errors %v", res.Accepted, res.Fulfilled, res.Errors)
			}
			if !res.LedgerOK {
				t.Errorf("ledger: %s", res.LedgerNote)
			}
			for _, ep := range []string{"order", "pricelist", "balance", "static", "insert"} {
				if s := res.Endpoints[ep]; s == nil || s.Requests != 120 || s.PerS <= 0 {
					t.Errorf("endpoint %s: %+v", ep, s)
				}
			}
			if res.Endpoints["pricelist"].Bytes < 50*50 {
				t.Errorf("price list of 50 SKUs is %d bytes", res.Endpoints["pricelist"].Bytes)
			}
			raw, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			if res.BacklogMax == nil || *res.BacklogMax < 0 || res.FulfilledVsAccepted == nil || *res.FulfilledVsAccepted <= 0 ||
				res.DBBytesPerOrder == nil || *res.DBBytesPerOrder <= 0 || res.DBBytesPerOrderByTable["orders"] <= 0 {
				t.Errorf("backlog %v, fulfilled_vs_accepted %v, db bytes per order %v %v", res.BacklogMax, res.FulfilledVsAccepted, res.DBBytesPerOrder, res.DBBytesPerOrderByTable)
			}
			for _, k := range []string{"accepted_per_s", "fulfilled_per_s", "p50_ms", "p99_ms", "errors", "ledger_ok", "orders_vs_insert", "pricelist_vs_static",
				"backlog_max", "fulfilled_vs_accepted", "db_bytes_per_order"} {
				if _, ok := m[k]; !ok {
					t.Errorf("JSON lacks %q: %s", k, raw)
				}
			}
			if runtime.GOOS == "linux" {
				cpuFigures(t, res, false)
			}
			if _, ok := m["errors"].(map[string]any); !ok {
				t.Errorf("errors is not an object: %s", raw)
			}
			if _, ok := m["ledger_ok"].(bool); !ok {
				t.Errorf("ledger_ok is not a bool: %s", raw)
			}
		})
	}
}

// cpuFigures checks a run's CPU per request: every endpoint has it, an order (placed and made
// final) costs some, the machine's busy share is a share; withDB, PostgreSQL's backends too.
func cpuFigures(t *testing.T, res *bench.Result, withDB bool) {
	t.Helper()
	if res.Cores < 1 {
		t.Errorf("cores %d", res.Cores)
	}
	for ep, st := range res.Endpoints {
		if st.CPUUsPerOp == nil || *st.CPUUsPerOp < 0 || st.MachineBusy == nil || *st.MachineBusy < 0 || *st.MachineBusy > 1 {
			t.Errorf("%s: cpu %v µs per request, machine busy %v", ep, st.CPUUsPerOp, st.MachineBusy)
		}
		if withDB != (st.DBCPUUsPerOp != nil) {
			t.Errorf("%s: database CPU %v with a database %v", ep, st.DBCPUUsPerOp, withDB)
		}
	}
	if o := res.Endpoints["order"]; o.CPUUsPerOp == nil || *o.CPUUsPerOp <= 0 || (withDB && *o.DBCPUUsPerOp <= 0) {
		t.Errorf("an order cost %v µs here, %v µs in the database", o.CPUUsPerOp, o.DBCPUUsPerOp)
	}
	raw, _ := json.Marshal(res.Endpoints["order"])
	if !strings.Contains(string(raw), `"cpu_us_per_op":`) || !strings.Contains(string(raw), `"machine_busy":`) {
		t.Errorf("order JSON %s", raw)
	}
}

// TestRunPostgres: a run on a PostgreSQL database of this machine also counts what its
// backends spent per request.
func TestRunPostgres(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	pg := storetest.Postgres(t)
	res, err := bench.Run(context.Background(), bench.Config{Concurrency: 4, Orders: 300, SKUs: 20, Baseline: true,
		DB: pg.URL(t), SecretKey: storetest.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != 300 || !res.LedgerOK {
		t.Fatalf("accepted %d ledger %v %s", res.Accepted, res.LedgerOK, res.LedgerNote)
	}
	cpuFigures(t, res, true)
}

// TestSoak: a soak run places its orders in one phase and reports a line per SoakEvery
// accepted orders, with the backlog, the memory and the database's bytes per order.
func TestSoak(t *testing.T) {
	t.Parallel()
	var lines []bench.SoakLine
	res, err := bench.Run(context.Background(), bench.Config{Concurrency: 4, Orders: 1500, SKUs: 20, SoakEvery: 300,
		Soak: func(l bench.SoakLine) { lines = append(lines, l) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != 1500 || res.Fulfilled != 1500 || !res.LedgerOK {
		t.Fatalf("accepted %d fulfilled %d ledger %v %s", res.Accepted, res.Fulfilled, res.LedgerOK, res.LedgerNote)
	}
	// Sampled every 100 ms: a fast machine may place 600 orders between two samples, which then
	// make one line; the last sample, at the end, makes the last.
	if len(lines) < 2 || lines[len(lines)-1].Orders != 1500 {
		t.Fatalf("%d soak lines for 1500 orders by 300: %+v", len(lines), lines)
	}
	for i, l := range lines {
		if l.Orders < int64(300*(i+1)) || l.AcceptedPerS <= 0 || l.RSSMB <= 0 || l.DBBytesPerOrder <= 0 || l.Backlog < 0 {
			t.Errorf("line %d: %+v", i, l)
		}
		if s := l.String(); !strings.Contains(s, "accepted/s") || !strings.Contains(s, "bytes/order") {
			t.Errorf("line %d prints %q", i, s)
		}
	}
	if _, err := bench.Run(context.Background(), bench.Config{Target: "http://127.0.0.1:1", Token: "x", Orders: 10,
		Soak: func(bench.SoakLine) {}}); err == nil {
		t.Error("a soak run against a target was accepted")
	}
}

// TestRunRemote benches a server it did not start, as --target does: orders are followed by
// their status, and the ledger check is reported as not run.
func TestRunRemote(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, err := app.New(ctx, app.Config{Addr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(t.TempDir(), "kios.db"), Demo: true,
		SimDelay: 10 * time.Millisecond, PriceListEvery: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Stdout: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	defer func() { cancel(); <-done }()
	cr, err := a.Service().CreateReseller(ctx, core.NewReseller{Name: "Remote", Membership: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Service().Credit(ctx, cr.Reseller.Username, 1_000_000, "bench"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dialect, token string }{
		{"basstore", cr.Token},
		{"digiswitch", cr.Reseller.Username + ":" + cr.APIKey},
	} {
		res, err := bench.Run(ctx, bench.Config{Target: a.BaseURL(), Token: c.token, Dialect: c.dialect, Concurrency: 2, Orders: 10})
		if err != nil {
			t.Fatalf("%s: %v", c.dialect, err)
		}
		if res.Accepted != 10 || res.Fulfilled != 10 || len(res.Errors) != 0 || res.LedgerOK || res.LedgerNote == "" {
			t.Errorf("%s: accepted %d, fulfilled %d, errors %v, ledger %v %q", c.dialect, res.Accepted, res.Fulfilled, res.Errors, res.LedgerOK, res.LedgerNote)
		}
	}
	if rep, err := a.Service().LedgerCheck(ctx); err != nil || !rep.OK() {
		t.Fatalf("ledger after the bench: %v %v", err, rep.Discrepancies)
	}
}
