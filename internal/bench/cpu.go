package bench

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// CPU per request: what a request costs the machine, whatever else runs on it. Requests per
// second say how fast a run went on a machine as loaded as it was; CPU time per request says
// what each costs, and with the cores a machine has, how many per second it can serve at most
// (issue 23: on two cores shared by PostgreSQL, the server and its clients, that ceiling is the
// bound). Linux only: elsewhere the figures are left out.

// clockTick is the unit of /proc's CPU times (USER_HZ, 100 on every Linux Kios runs on).
const clockTick = 10 * time.Millisecond

// cpuMeter reads the CPU time used by this process (the embedded server and the bench's
// clients) and by the PostgreSQL backends serving one database.
type cpuMeter struct {
	db string // the PostgreSQL database whose backends count; "" for none
}

// newCPUMeter meters this process and, for a PostgreSQL URL on this machine, the backends of
// its database.
func newCPUMeter(dbURL string) *cpuMeter {
	m := &cpuMeter{}
	if u, err := url.Parse(dbURL); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		switch h := u.Hostname(); h {
		case "127.0.0.1", "localhost", "::1", "":
			m.db = strings.TrimPrefix(u.Path, "/")
		}
	}
	return m
}

// cpuSample is the CPU times at one moment.
type cpuSample struct {
	self       time.Duration
	selfOK     bool
	db         time.Duration
	dbOK       bool
	busy, idle uint64 // the whole machine's, from /proc/stat, in ticks
	machineOK  bool
}

func (m *cpuMeter) read() cpuSample {
	var s cpuSample
	if stat, err := os.ReadFile("/proc/self/stat"); err == nil {
		if t, ok := statTicks(string(stat)); ok {
			s.self, s.selfOK = time.Duration(t)*clockTick, true
		}
	}
	if m != nil && m.db != "" {
		s.db, s.dbOK = backendsCPU(m.db)
	}
	s.busy, s.idle, s.machineOK = machineCPU()
	return s
}

// cpuUse is what a measurement used between samples, summed over its slices.
type cpuUse struct {
	self, db   time.Duration
	selfOK     bool
	dbOK       bool
	busy, idle uint64
	machineOK  bool
}

func (u *cpuUse) add(from, to cpuSample) {
	if from.selfOK && to.selfOK {
		u.selfOK = true
		u.self += to.self - from.self
	}
	if from.dbOK && to.dbOK {
		u.dbOK = true
		u.db += max(0, to.db-from.db)
	}
	if from.machineOK && to.machineOK {
		u.machineOK = true
		u.busy += to.busy - from.busy
		u.idle += to.idle - from.idle
	}
}

// merge adds another slice's use.
func (u *cpuUse) merge(o cpuUse) {
	u.self += o.self
	u.db += o.db
	u.busy += o.busy
	u.idle += o.idle
	u.selfOK = u.selfOK || o.selfOK
	u.dbOK = u.dbOK || o.dbOK
	u.machineOK = u.machineOK || o.machineOK
}

// fill sets st's CPU figures for ops requests.
func (u *cpuUse) fill(st *Stats, ops int64) {
	if ops <= 0 {
		return
	}
	if u.selfOK {
		self := round2(float64(u.self.Microseconds()) / float64(ops))
		st.CPUUsPerOp = &self
	}
	if u.dbOK {
		db := round2(float64(u.db.Microseconds()) / float64(ops))
		st.DBCPUUsPerOp = &db
	}
	if u.machineOK && u.busy+u.idle > 0 {
		b := round2(float64(u.busy) / float64(u.busy+u.idle))
		st.MachineBusy = &b
	}
}

// backendsCPU sums the CPU time of the PostgreSQL backends connected to database db: the
// processes named postgres whose title (`postgres: [cluster:] user database host activity`)
// names it. A backend that exits between two samples takes its time with it, which the bench's
// pooled connections do not do; the shared background processes (WAL writer, checkpointer) are
// not counted.
func backendsCPU(db string) (time.Duration, bool) {
	procs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil || len(procs) == 0 {
		return 0, false
	}
	var ticks uint64
	for _, p := range procs {
		comm, err := os.ReadFile(p + "/comm")
		if err != nil || string(bytes.TrimSpace(comm)) != "postgres" {
			continue
		}
		title, err := os.ReadFile(p + "/cmdline")
		if err != nil || backendDatabase(string(bytes.TrimRight(title, "\x00"))) != db {
			continue
		}
		stat, err := os.ReadFile(p + "/stat")
		if err != nil {
			continue
		}
		if t, ok := statTicks(string(stat)); ok {
			ticks += t
		}
	}
	return time.Duration(ticks) * clockTick, true
}

// backendDatabase is the database a PostgreSQL backend's process title names ("" for a process
// that is not a client backend).
func backendDatabase(title string) string {
	rest, ok := strings.CutPrefix(title, "postgres: ")
	if !ok {
		return ""
	}
	f := strings.Fields(rest)
	if len(f) > 0 && strings.HasSuffix(f[0], ":") {
		f = f[1:] // the cluster's name (cluster_name)
	}
	if len(f) < 3 {
		return ""
	}
	return f[1]
}

// statTicks is utime + stime of a /proc/PID/stat line.
func statTicks(stat string) (uint64, bool) {
	// The command name, in parentheses, may hold spaces: count fields after its end.
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(stat[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseUint(f[11], 10, 64)
	st, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return ut + st, true
}

// machineCPU is the whole machine's busy and idle time, from /proc/stat's first line.
func machineCPU() (busy, idle uint64, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0, 0, false
	}
	for i, v := range f[1:] {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, 0, false
		}
		switch i {
		case 3, 4: // idle, iowait
			idle += n
		case 8, 9: // guest time, already counted in user time
		default:
			busy += n
		}
	}
	return busy, idle, true
}
