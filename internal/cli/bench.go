package cli

import (
	"context"
	"encoding/json"
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
	var cfg bench.Config
	var asJSON bool
	var cpuProfile, memProfile string
	fs.StringVar(&cfg.Target, "target", "", "base URL of a running Kios (default: start an embedded one on a temporary database)")
	fs.StringVar(&cfg.Token, "token", "", "a funded reseller's token, with --target")
	tokensFile := fs.String("tokens-file", "", "with --target: a file of funded resellers' tokens, one per line, shared among the clients (instead of --token)")
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
	fs.BoolVar(&asJSON, "json", false, "print one JSON object instead of a table")
	soak := fs.Bool("soak", false, "with --orders: place them in one phase with fulfilment alongside and print a line per 100,000 (accepted/s, fulfilled/s, backlog, RSS, database bytes per order)")
	fs.IntVar(&cfg.SoakEvery, "soak-every", bench.DefaultSoakEvery, "orders per --soak line")
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run (embedded server included) to FILE")
	fs.StringVar(&memProfile, "memprofile", "", "write an allocation profile at the end of the run to FILE")
	if _, err := parse(fs, args); err != nil {
		return err
	}
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
	if *tokensFile != "" {
		if cfg.Token != "" {
			return usagef("--tokens-file goes with --target, instead of --token")
		}
		b, err := os.ReadFile(*tokensFile)
		if err != nil {
			return fmt.Errorf("tokens file: %w", err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				cfg.Tokens = append(cfg.Tokens, line)
			}
		}
		if len(cfg.Tokens) == 0 {
			return usagef("--tokens-file %s holds no token", *tokensFile)
		}
	}
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
	if *soak && cfg.Orders <= 0 {
		return usagef("--soak needs --orders N")
	}
	if *soak && cfg.Target != "" {
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
	if (cfg.Target == "") != (cfg.Token == "" && len(cfg.Tokens) == 0) {
		return usagef("--target and --token (or --tokens-file) go together")
	}
	// Only an explicit --db: benching the server's own KIOS_DB would fill it with bench orders.
	cfg.DB = e.dbURL
	cfg.SecretKey, cfg.SecretKeyFile = backend.SecretsFromEnv(e.keyFile, e.Getenv)
	if cfg.Target != "" && cfg.DB != "" {
		return usagef("--db is for the embedded server; a --target has its own")
	}
	if f, ok := e.Stdout.(*os.File); ok && !asJSON && term.IsTerminal(int(f.Fd())) {
		cfg.Progress = func(p bench.Progress) { fmt.Fprintf(f, "\r\033[K%s", bench.ProgressBar(p)) }
	}

	if *soak {
		// Soak lines go to stderr with --json, so stdout stays one JSON document.
		out := e.Stdout
		if asJSON {
			out = e.Stderr
		}
		cfg.Soak = func(l bench.SoakLine) {
			if cfg.Progress != nil {
				fmt.Fprint(out, "\r\033[K")
			}
			fmt.Fprintln(out, l.String())
		}
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if memProfile != "" {
		runtime.MemProfileRate = 64 << 10
	}
	res, err := bench.Run(ctx, cfg)
	if cfg.Progress != nil {
		fmt.Fprint(e.Stdout, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if memProfile != "" {
		f, err := os.Create(memProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
	}
	if asJSON {
		err = json.NewEncoder(e.Stdout).Encode(res)
	} else {
		err = res.WriteTable(e.Stdout)
	}
	if err != nil {
		return err
	}
	if cfg.Target == "" && !res.LedgerOK {
		fmt.Fprintf(e.Stderr, "kios bench: ledger check failed: %s\n", res.LedgerNote)
		return errSilent
	}
	return nil
}
