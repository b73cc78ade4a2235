package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/kios-h2h/kios/internal/bench"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/store/backend"
)

func runBench(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("bench")
	f := benchFlags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := f.check(fs); err != nil {
		return err
	}
	cfg := &f.cfg
	// Only an explicit --db: benching the server's own KIOS_DB would fill it with bench orders.
	cfg.DB = e.dbURL
	cfg.SecretKey, cfg.SecretKeyFile = backend.SecretsFromEnv(e.keyFile, e.Getenv)
	if cfg.Target != "" && cfg.DB != "" {
		return usagef("--db is for the embedded server; a --target has its own")
	}
	e.benchOutput(f)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopCPU, err := startCPUProfile(f.cpuProfile)
	if err != nil {
		return err
	}
	defer stopCPU()
	if f.memProfile != "" {
		runtime.MemProfileRate = 64 << 10
	}
	res, err := bench.Run(ctx, *cfg)
	if cfg.Progress != nil {
		fmt.Fprint(e.Stdout, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if err := writeMemProfile(f.memProfile); err != nil {
		return err
	}
	return e.writeBenchResult(f, res)
}

// benchOpts is the bench command's flags: the run's bench.Config and what the command does
// around the run.
type benchOpts struct {
	cfg                    bench.Config
	asJSON                 bool
	cpuProfile, memProfile string
	tokensFile             string
	soak                   bool
}

func benchFlags(fs *flag.FlagSet) *benchOpts {
	f := &benchOpts{}
	cfg := &f.cfg
	fs.StringVar(&cfg.Target, "target", "", "base URL of a running Kios (default: start an embedded one on a temporary database)")
	fs.StringVar(&cfg.Token, "token", "", "a funded reseller's token, with --target")
	fs.StringVar(&f.tokensFile, "tokens-file", "", "with --target: a file of funded resellers' tokens, one per line, shared among the clients (instead of --token)")
	fs.StringVar(&cfg.Dialect, "dialect", "basstore", "API to drive: basstore or digiswitch")
	fs.IntVar(&cfg.Concurrency, "concurrency", 64, "clients at once")
	fs.IntVar(&cfg.Resellers, "resellers", 0, "resellers the embedded server's clients share (default one per client; 1 measures one hot reseller)")
	fs.IntVar(&cfg.Slots, "slots", 0, "split each embedded reseller's balance into N balance slots, so several write loops take one reseller's orders (with --resellers 1: a hot reseller; issue 23)")
	fs.DurationVar(&cfg.Duration, "duration", 0, "length of each measured phase (default 10s)")
	fs.IntVar(&cfg.Orders, "orders", 0, "requests per phase, instead of --duration")
	fs.IntVar(&cfg.SKUs, "skus", 5000, "SKUs in the embedded price list")
	fs.BoolVar(&cfg.Baseline, "baseline", false, "also measure a static net/http handler and a minimal-INSERT database")
	fs.DurationVar(&cfg.SupplierLatency, "supplier-latency", 0, "how long the simulator's purchase takes (with --baseline, also measured against an instant supplier)")
	fs.StringVar(&cfg.SupplierHTTP, "supplier-http", "", "serve the simulator from a second embedded Kios over this dialect: basstore, digiswitch or digiflazz")
	fs.BoolVar(&f.asJSON, "json", false, "print one JSON object instead of a table")
	fs.BoolVar(&f.soak, "soak", false, "with --orders: place them in one phase with fulfilment alongside and print a line per 100,000 (accepted/s, fulfilled/s, backlog, RSS, database bytes per order)")
	fs.IntVar(&cfg.SoakEvery, "soak-every", bench.DefaultSoakEvery, "orders per --soak line")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the run (embedded server included) to FILE")
	fs.StringVar(&f.memProfile, "memprofile", "", "write an allocation profile at the end of the run to FILE")
	return f
}

// check refuses flag combinations that make no run, before anything starts; it reads
// --tokens-file into the config.
func (f *benchOpts) check(fs *flag.FlagSet) error {
	cfg := &f.cfg
	if cfg.Duration > 0 && cfg.Orders > 0 {
		return usagef("--duration and --orders exclude each other")
	}
	if set(fs, "duration") && cfg.Duration <= 0 {
		return usagef("--duration must be more than 0 (for example 10s)")
	}
	if set(fs, "orders") && cfg.Orders <= 0 {
		return usagef("--orders must be at least 1")
	}
	if cfg.Concurrency <= 0 {
		return usagef("--concurrency must be at least 1")
	}
	if err := f.readTokens(); err != nil {
		return err
	}
	if err := f.checkEmbedded(fs); err != nil {
		return err
	}
	if (cfg.Target == "") != (cfg.Token == "" && len(cfg.Tokens) == 0) {
		return usagef("--target and --token (or --tokens-file) go together")
	}
	return nil
}

// readTokens loads --tokens-file, one token a line, blank lines skipped.
func (f *benchOpts) readTokens() error {
	if f.tokensFile == "" {
		return nil
	}
	if f.cfg.Token != "" {
		return usagef("--tokens-file goes with --target, instead of --token")
	}
	b, err := os.ReadFile(f.tokensFile)
	if err != nil {
		return fmt.Errorf("tokens file: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			f.cfg.Tokens = append(f.cfg.Tokens, line)
		}
	}
	if len(f.cfg.Tokens) == 0 {
		return usagef("--tokens-file %s holds no token", f.tokensFile)
	}
	return nil
}

// checkEmbedded checks the flags that shape the embedded server: they have no meaning against
// a --target, whose resellers and suppliers are its own.
func (f *benchOpts) checkEmbedded(fs *flag.FlagSet) error {
	cfg := &f.cfg
	if set(fs, "resellers") && cfg.Resellers <= 0 {
		return usagef("--resellers must be at least 1")
	}
	if set(fs, "resellers") && cfg.Target != "" {
		return usagef("--resellers shapes the embedded server's resellers; with --target the token's reseller is the only one")
	}
	if cfg.Slots < 0 || cfg.Slots > ledger.MaxSlots {
		return usagef("--slots must be between 0 and %d", ledger.MaxSlots)
	}
	if set(fs, "slots") && cfg.Target != "" {
		return usagef("--slots shapes the embedded server's resellers; it takes no --target")
	}
	if f.soak && cfg.Orders <= 0 {
		return usagef("--soak needs --orders N")
	}
	if f.soak && cfg.Target != "" {
		return usagef("--soak watches the embedded server; it takes no --target")
	}
	if cfg.SoakEvery <= 0 {
		return usagef("--soak-every must be at least 1")
	}
	if cfg.SupplierLatency < 0 {
		return usagef("--supplier-latency cannot be negative")
	}
	switch cfg.SupplierHTTP {
	case "", "basstore", "digiswitch", "digiflazz":
	default:
		return usagef("--supplier-http must be basstore, digiswitch or digiflazz")
	}
	if cfg.Target != "" && (cfg.SupplierLatency > 0 || cfg.SupplierHTTP != "") {
		return usagef("--supplier-latency and --supplier-http are for the embedded server")
	}
	return nil
}

// benchOutput wires the run's progress bar (on a terminal, without --json) and --soak lines.
func (e *Env) benchOutput(f *benchOpts) {
	cfg := &f.cfg
	if out, ok := e.Stdout.(*os.File); ok && !f.asJSON && term.IsTerminal(int(out.Fd())) {
		cfg.Progress = func(p bench.Progress) { fmt.Fprintf(out, "\r\033[K%s", bench.ProgressBar(p)) }
	}
	if !f.soak {
		return
	}
	// Soak lines go to stderr with --json, so stdout stays one JSON document.
	out := e.Stdout
	if f.asJSON {
		out = e.Stderr
	}
	cfg.Soak = func(l bench.SoakLine) {
		if cfg.Progress != nil {
			fmt.Fprint(out, "\r\033[K")
		}
		fmt.Fprintln(out, l.String())
	}
}

// startCPUProfile starts --cpuprofile (when named) before the run, so the embedded server's
// start is in the profile too; the returned stop ends and closes it.
func startCPUProfile(file string) (stop func(), err error) {
	if file == "" {
		return func() {}, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// writeMemProfile writes --memprofile (when named) after the run: the allocations of the
// whole run, at the finer rate runBench set before it.
func writeMemProfile(file string) error {
	if file == "" {
		return nil
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

// writeBenchResult prints the result, and fails the command (after printing) when the embedded
// server's ledger did not balance: a fast run that lost money is not a result.
func (e *Env) writeBenchResult(f *benchOpts, res *bench.Result) error {
	var err error
	if f.asJSON {
		err = json.NewEncoder(e.Stdout).Encode(res)
	} else {
		err = res.WriteTable(e.Stdout)
	}
	if err != nil {
		return err
	}
	if f.cfg.Target == "" && !res.LedgerOK {
		fmt.Fprintf(e.Stderr, "kios bench: ledger check failed: %s\n", res.LedgerNote)
		return errSilent
	}
	return nil
}
