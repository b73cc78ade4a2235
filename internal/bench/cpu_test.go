package bench

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// A PostgreSQL backend's process title names its database, with or without a cluster name;
// other processes name none.
func TestBackendDatabase(t *testing.T) {
	for title, want := range map[string]string{
		"postgres: 15/main: postgres bench 127.0.0.1(54122) idle":                "bench",
		"postgres: kios shop [local] idle in transaction":                        "shop",
		"postgres: 15/main: checkpointer ":                                       "",
		"postgres: 15/main: walwriter":                                           "",
		"/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main":     "",
		"postgres: 15/main: autovacuum launcher":                                 "",
		"postgres: 15/main: postgres test 127.0.0.1(40000) UPDATE waiting extra": "test",
	} {
		if got := backendDatabase(title); got != want {
			t.Errorf("%q: %q, want %q", title, got, want)
		}
	}
}

// utime and stime are read after the command name, which may hold spaces and parentheses.
func TestStatTicks(t *testing.T) {
	line := "4242 (post gres) (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 " + "37 5 2 1 20 0 1 0 100 1000 10"
	if got, ok := statTicks(line); !ok || got != 42 {
		t.Fatalf("ticks %d %v, want 42", got, ok)
	}
	if _, ok := statTicks("4242 (x) S 1"); ok {
		t.Fatal("a short line read")
	}
}

// The meter sees this process burn CPU, and the machine's counters move.
func TestMeterSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip(err)
	}
	m := newCPUMeter("sqlite:x.db")
	if m.db != "" {
		t.Fatalf("a SQLite URL metered as database %q", m.db)
	}
	if m := newCPUMeter("postgres://postgres@127.0.0.1:5432/bench?sslmode=disable"); m.db != "bench" {
		t.Fatalf("local PostgreSQL database %q", m.db)
	}
	if m := newCPUMeter("postgres://db.example.com/bench"); m.db != "" {
		t.Fatalf("a remote PostgreSQL metered as %q", m.db)
	}
	var u cpuUse
	c0 := m.read()
	for end := time.Now().Add(150 * time.Millisecond); time.Now().Before(end); {
	}
	u.add(c0, m.read())
	var st Stats
	u.fill(&st, 10)
	if st.CPUUsPerOp == nil || *st.CPUUsPerOp < 5000 || st.MachineBusy == nil || *st.MachineBusy <= 0 || *st.MachineBusy > 1 {
		t.Fatalf("after 150 ms spinning, per op (of 10) %v µs, machine busy %v", st.CPUUsPerOp, st.MachineBusy)
	}
	if st.DBCPUUsPerOp != nil {
		t.Fatalf("database CPU %v without a database", *st.DBCPUUsPerOp)
	}
}
