package bench

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// optional prints a figure that may be missing.
func optional(f *float64) string {
	if f == nil {
		return "-"
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// CeilingPerS is the most requests of this kind per second that cores could serve if the CPU
// time each took (here and in the database) were the only bound; 0 when it is not known.
func (s *Stats) CeilingPerS(cores int) float64 {
	if s.CPUUsPerOp == nil || cores < 1 {
		return 0
	}
	us := *s.CPUUsPerOp
	if s.DBCPUUsPerOp != nil {
		us += *s.DBCPUUsPerOp
	}
	if us <= 0 {
		return 0
	}
	return round2(float64(cores) * 1e6 / us)
}

// WriteTable writes the result for a person to read.
func (r *Result) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "kios bench: %s dialect, %d clients, target %s (%s)\n\n", r.Dialect, r.Concurrency, r.Target, r.Database)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "endpoint\trequests\terrors\t/s\tp50 ms\tp95 ms\tp99 ms\tbytes\tcpu µs\tdb cpu µs\t")
	names := make([]string, 0, len(r.Endpoints))
	for n := range r.Endpoints {
		names = append(names, n)
	}
	order := map[string]int{"order": 0, "pricelist": 1, "balance": 2, "static": 3, "insert": 4}
	sort.Slice(names, func(i, j int) bool { return order[names[i]] < order[names[j]] })
	for _, n := range names {
		s := r.Endpoints[n]
		b := ""
		if s.Bytes > 0 {
			b = fmt.Sprint(s.Bytes)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%s\t%s\t%s\t\n", n, s.Requests, s.Errors, s.PerS, s.P50Ms, s.P95Ms, s.P99Ms, b,
			optional(s.CPUUsPerOp), optional(s.DBCPUUsPerOp))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\norders: %d accepted in %.2fs = %.0f/s; %d final = %.0f fulfilled/s (last final %.2fs after the first order)\n",
		r.Accepted, r.OrderSecs, r.AcceptedPerS, r.Fulfilled, r.FulfilledPerS, r.FinalAfterS)
	fmt.Fprintf(w, "order acceptance latency: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms\n", r.P50Ms, r.P95Ms, r.P99Ms)
	if o := r.Endpoints["order"]; o != nil {
		if c := o.CeilingPerS(r.Cores); c > 0 {
			fmt.Fprintf(w, "order CPU: %s µs here + %s µs in the database; on %d cores at most %.0f orders/s (machine busy %s)\n",
				optional(o.CPUUsPerOp), optional(o.DBCPUUsPerOp), r.Cores, c, optional(o.MachineBusy))
		}
	}
	if len(r.Errors) == 0 {
		fmt.Fprintln(w, "errors: none")
	} else {
		codes := make([]string, 0, len(r.Errors))
		for c := range r.Errors {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		parts := make([]string, len(codes))
		for i, c := range codes {
			parts[i] = fmt.Sprintf("%s×%d", c, r.Errors[c])
		}
		fmt.Fprintf(w, "errors: %s\n", strings.Join(parts, ", "))
	}
	verdict := "OK"
	if !r.LedgerOK {
		verdict = "NOT OK"
	}
	fmt.Fprintf(w, "ledger check: %s (%s)\n", verdict, r.LedgerNote)
	if r.OrdersVsInsert != nil {
		fmt.Fprintf(w, "orders_vs_insert: %.2f (target ≥ 1.0)\n", *r.OrdersVsInsert)
	}
	if r.PricelistVsStatic != nil {
		fmt.Fprintf(w, "pricelist_vs_static: %.2f (target ≥ 0.8)\n", *r.PricelistVsStatic)
	}
	if r.SupplierLatencyMs > 0 || r.SupplierHTTP != "" {
		via := "in-process"
		if r.SupplierHTTP != "" {
			via = "over " + r.SupplierHTTP + " HTTP"
		}
		fmt.Fprintf(w, "supplier: simulator %s, purchase latency %.0f ms\n", via, r.SupplierLatencyMs)
	}
	if r.UpstreamInflightMax != nil {
		fmt.Fprintf(w, "upstream_inflight_max: %d\n", *r.UpstreamInflightMax)
	}
	if r.FulfilledVsInstant != nil {
		target := "≥ 0.8"
		if r.SupplierHTTP != "" {
			target = "≥ 0.5"
		}
		fmt.Fprintf(w, "fulfilled_vs_instant: %.2f (%.0f/s with an instant supplier; target %s)\n", *r.FulfilledVsInstant, *r.InstantFulfilledPerS, target)
	}
	if r.FulfilledVsAccepted != nil {
		fmt.Fprintf(w, "fulfilled_vs_accepted: %.2f (target ≥ 0.9)\n", *r.FulfilledVsAccepted)
	}
	if r.BacklogMax != nil {
		fmt.Fprintf(w, "backlog_max: %d orders queued for fulfilment at once\n", *r.BacklogMax)
	}
	if r.DBBytesPerOrder != nil {
		fmt.Fprintf(w, "db_bytes_per_order: %.0f (target ≤ 400 on SQLite)", *r.DBBytesPerOrder)
		names := make([]string, 0, len(r.DBBytesPerOrderByTable))
		for n := range r.DBBytesPerOrderByTable {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool { return r.DBBytesPerOrderByTable[names[i]] > r.DBBytesPerOrderByTable[names[j]] })
		parts := make([]string, 0, len(names))
		for _, n := range names {
			parts = append(parts, fmt.Sprintf("%s %.0f", n, r.DBBytesPerOrderByTable[n]))
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, ": %s", strings.Join(parts, ", "))
		}
		fmt.Fprintln(w)
	}
	if r.RSSMB > 0 {
		fmt.Fprintf(w, "rss after orders: %.0f MB\n", r.RSSMB)
	}
	return nil
}

// ProgressBar renders p on one terminal line, to be written after a carriage return.
func ProgressBar(p Progress) string {
	const width = 30
	var frac float64
	var tail string
	switch {
	case p.Total > 0:
		frac = float64(p.Done) / float64(p.Total)
		tail = fmt.Sprintf("%d/%d", p.Done, p.Total)
	case p.Duration > 0:
		frac = float64(p.Elapsed) / float64(p.Duration)
		tail = fmt.Sprintf("%d done, %s/%s", p.Done, p.Elapsed.Truncate(100*time.Millisecond), p.Duration)
	}
	frac = min(max(frac, 0), 1)
	fill := int(frac * width)
	return fmt.Sprintf("%-9s [%s%s] %3.0f%% %s", p.Phase, strings.Repeat("#", fill), strings.Repeat(".", width-fill), frac*100, tail)
}

// rssMB is this process's resident set size in MB, from /proc (0 where there is none).
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return 0
			}
			return round2(kb / 1024)
		}
	}
	return 0
}
