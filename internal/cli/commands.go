// Package cli is the kios command: the server (`kios serve`) and the admin commands that work on
// the same database, also while the server runs. Each subcommand is one file; this one holds the
// command table and what they share.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// Version is the kios version, set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "dev"

// command is one subcommand.
type command struct {
	name    string // one or two words: "serve", "reseller create"
	args    string // synopsis of flags and arguments
	summary string
	run     func(ctx context.Context, e *Env, args []string) error
}

// commands is the command table, in the order help lists them. It is a function because the
// commands themselves consult it (for their usage text).
func commands() []command {
	return []command{
		{"serve", "[--addr ADDR] [--admin-addr ADDR|off] [--secure-cookies] [--public-metrics] [--db URL] [--demo] [--storefront] [--notify-whatsapp-url URL] [--notify-smtp-addr HOST:PORT] [--notify-smtp-from ADDR] [--checkid-supplier NAME,...] [--checkid-vip-url URL] [--checkid-vip-fee N] [--checkid-apigames-url URL] [--checkid-apigames-fee N] [--public-url URL] [--sim-delay D] [--sync-every D] [--ledger-check-every D] [--low-balance N] [--max-loss N] [--sn-wait D] [--callback-allow-private] [--trusted-proxy CIDR]... [--workers N] [--node NAME] [--lease D] [--upstream-timeout D] [--rate-limit R] [--rate-burst B] [--refusal-limit N] [--text-channels=false]",
			"run the HTTP server and the fulfilment workers", runServe},
		{"reseller create", "--name N [--username U] [--email E] [--phone P] [--membership TIER] [--allow-ip CIDR]... [--upline USERNAME [--markup RUPIAH]] [--json]",
			"create a reseller (a downline of --upline) and print its token and api key (shown once)", runResellerCreate},
		{"reseller allow-ip", "USERNAME CIDR", "allow a reseller to call from an address or network", runResellerAllowIP},
		{"reseller rotate-token", "USERNAME [--json]", "give a reseller a new token; the old one stops working", runResellerRotateToken},
		{"reseller deny-ip", "USERNAME CIDR", "take an address or network off a reseller's allowlist", runResellerDenyIP},
		{"reseller rotate-api-key", "USERNAME [--json]", "give a reseller a new api key (signs and callbacks); the old one stops working", runResellerRotateAPIKey},
		{"reseller set-membership", "USERNAME TIER", "move a reseller to a membership tier (its prices)", runResellerSetMembership},
		{"reseller set-slots", "USERNAME N", "split a hot reseller's balance into N slots, so more write loops take its orders (0: none)", runResellerSetSlots},
		{"reseller set-password", "USERNAME [--json]", "give a reseller a new member-area password (shown once)", runResellerSetPassword},
		{"reseller set-pin", "USERNAME [--pin NNNN] [--json]", "set a reseller's text-channel PIN (4-8 digits; a random one is printed once when --pin is not given)", runResellerSetPin},
		{"reseller otomax", "USERNAME [--pin NNNN] [--plain] [--off] [--json]",
			"give a reseller Otomax/IRS \"via IP\" access (GET /otomax/trx): memberID = username, password = api key, and this PIN (a random one is printed once when --pin is not given); --plain also takes pin and password in the query; --off takes the access away", runResellerOtomax},
		{"reseller bind", "USERNAME --channel telegram|jabber|whatsapp --id ID", "bind a Telegram, Jabber or WhatsApp identity to a reseller for text orders", runResellerBind},
		{"reseller unbind", "USERNAME --channel telegram|jabber|whatsapp --id ID", "remove a reseller's bound identity", runResellerUnbind},
		{"reseller suspend", "USERNAME", "refuse a reseller's API calls", runResellerSuspend},
		{"reseller resume", "USERNAME", "accept a suspended reseller's API calls again", runResellerResume},
		{"reseller list", "[--json]", "list resellers with their balances", runResellerList},
		{"deposit credit", "--reseller USERNAME --amount N [--note TEXT] [--ref REF]", "add money a reseller paid in", runDepositCredit},
		{"deposit debit", "--reseller USERNAME --amount N [--note TEXT] [--ref REF]", "take money back from a reseller (a correction)", runDepositDebit},
		{"deposit tickets", "[--status open|approved|rejected|expired] [--reseller USERNAME] [--limit N] [--json]",
			"list deposit tickets (opened through the Digiswitch-style API), newest first", runDepositTickets},
		{"deposit approve", "TICKET", "approve a deposit ticket and credit its amount, once", runDepositApprove},
		{"deposit reject", "TICKET", "reject a deposit ticket; nothing is credited", runDepositReject},
		{"deposit pay", "--reseller USERNAME --amount N --gateway NAME [--method M] [--public-url URL] [--json]",
			"open a deposit ticket paid through a payment gateway and print the payer's instructions; the gateway's callback credits it", runDepositPay},
		{"gateway add", "--name NAME --kind tripay|midtrans|duitku|xendit|moota|sandbox --base-url URL [--merchant-code C] [--api-key K] [--private-key P] [--server-key S] [--callback-token T] [--secret S] [--methods QRIS,BRIVA,...] [--fee-policy distributor|reseller] [--json]",
			"register a payment gateway or bank-mutation feed (secrets are never printed back)", runGatewayAdd},
		{"gateway list", "[--json]", "list payment gateways, never their secrets", runGatewayList},
		{"gateway enable", "NAME", "let deposits be paid through a gateway", runGatewayEnable},
		{"gateway disable", "NAME", "open no new payments at a gateway (callbacks of open ones are still taken)", runGatewayDisable},
		{"shop invoices", "[--status unpaid|expired|pending|success|failed|refunded] [--limit N] [--json]",
			"list the storefront's invoices, newest first; --status failed lists the refunds owed, with the buyers' contacts", runShopInvoices},
		{"shop refund", "INVOICE --note TEXT", "record that a failed invoice's payment went back to its buyer (takes it off the refunds owed)", runShopRefund},
		{"deposit match", "STATEMENT.csv", "approve the open tickets whose amounts appear on a bank statement (date, description, amount)", runDepositMatch},
		{"catalog import", "FILE.csv", "load products, variants and prices from CSV (all or nothing)", runCatalogImport},
		{"catalog export", "", "write the catalog as CSV to stdout", runCatalogExport},
		{"catalog list", "[--json]", "list the catalog", runCatalogList},
		{"catalog limits", "[VARIANT [--max-loss N|default] [--sn-required true|false|default]] [--json]",
			"show what purchases of variants may cost upstream and whether their successes need an SN, or set a variant's max loss (default: serve --max-loss) or SN rule (default: prepaid yes, postpaid no)", runCatalogLimits},
		{"catalog require-valid-id", "[PRODUCT on|off]",
			"list the products that refuse an order whose ID the check says does not exist (before any hold), or turn it on or off for one", runCatalogRequireValidID},
		{"catalog destination", "PRODUCT [--format F --pattern P] [--json]",
			"show a product's destination fields and pattern, or set them (\"\" clears; a bad format or pattern changes nothing)", runCatalogDestination},
		{"order list", "[--status S] [--reseller U] [--limit N] [--json]", "list orders, newest first", runOrderList},
		{"order show", "INVOICE [--json]", "show an order with its supplier attempts and postings", runOrderShow},
		{"ledger check", "[--full] [--archive FILE] [--json]", "verify every ledger invariant since the last checkpoint the server saved (--full: the whole history; --archive: an archive file against the checkpoint at its cut); exit 1 on any discrepancy", runLedgerCheck},
		{"archive", "--before YYYY-MM-DD (--to sqlite:FILE | --drop) [--batch N] [--json]",
			"move final orders, their attempts and postings from before a Jakarta day out of the live database, in batches, while the server runs (run again to continue)", runArchive},
		{"supplier add", "--name N --kind basstore|digiswitch|digiflazz|otomax|simulator [--base-url URL] [--token T] [--username U --api-key K] [--member-id M --pin P --password W] [--success-pattern RE]... [--failed-pattern RE]... [--pending-pattern RE]... [--sn-pattern RE]... [--price-pattern RE]... [--balance-pattern RE]... [--ref-pattern RE]... [--customer-pattern RE]... [--callback-secret S] [--max-inflight N] [--rate R/s]",
			"register an upstream supplier (secrets are never printed back)", runSupplierAdd},
		{"supplier list", "[--refresh] [--json]", "list suppliers with their balances, never their secrets", runSupplierList},
		{"supplier set", "NAME [--max-inflight N] [--rate R/s] [--success-pattern RE]... [--failed-pattern RE]... [--pending-pattern RE]... [--sn-pattern RE]... [--price-pattern RE]... [--balance-pattern RE]... [--ref-pattern RE]... [--customer-pattern RE]... [--default-patterns]",
			"bound the requests in flight to a supplier and per second (0/s: no rate limit); set an otomax supplier's reply patterns", runSupplierSet},
		{"supplier stats", "[--supplier NAME] [--json]", "what routing learned of each supplier SKU: success rate, time to final, standing (demoted, probe), last failure", runSupplierStats},
		{"routing set", "POLICY [--product CODE]", "order suppliers of the same priority by cheapest, fastest, most_reliable or balanced (globally, or for one product)", runRoutingSet},
		{"routing show", "[--json]", "show the global routing policy and the products with their own", runRoutingShow},
		{"prefix list", "[--json]", "list the operator prefix table pulsa and data numbers are checked against", runPrefixList},
		{"prefix set", "PREFIX OPERATOR", "make numbers starting with PREFIX belong to OPERATOR (e.g. 0812 TELKOMSEL)", runPrefixSet},
		{"prefix remove", "PREFIX", "take a prefix out of the operator prefix table", runPrefixRemove},
		{"supplier disable", "NAME", "take a supplier out of rotation", runSupplierDisable},
		{"supplier enable", "NAME", "put a supplier back into rotation", runSupplierEnable},
		{"supplier deposit", "NAME --amount N [--note TEXT]", "book money paid into Kios's deposit at a supplier", runSupplierDeposit},
		{"supplier map", "NAME SKU VARIANT [--priority N] [--cost N]", "make a supplier's product fulfil a variant (--cost records the product first, for a supplier without a price list: otomax)", runSupplierMap},
		{"catalog sync", "[--supplier N] [--kind prepaid|postpaid]", "pull suppliers' catalogs, add missing variants, reprice from markup rules", runCatalogSync},
		{"markup set", "[--scope default|product|variant] [--target CODE] [--tier T] [--fixed N] [--percent P] [--floor N] | --reseller DOWNLINE [--product CODE|--variant CODE] --rupiah N",
			"set how sell prices follow cost, or the markup an upline earns on a downline", runMarkupSet},
		{"markup list", "[--json]", "list markup rules", runMarkupList},
		{"report margin", "[--from DAY] [--to DAY] [--json]", "price, cost and margin per Jakarta day, supplier and variant", runReportMargin},
		{"reseller set-callback", "USERNAME URL", "POST final orders to URL, signed with the reseller's api key (- removes it)", runResellerSetCallback},
		{"bench", "[--target URL --token T | --tokens-file F] [--dialect basstore|digiswitch] [--concurrency N] [--resellers N] [--slots N] [--duration D | --orders N] [--skus N] [--json] [--baseline] [--supplier-latency D] [--supplier-http basstore|digiswitch|digiflazz] [--soak] [--soak-every N] [--cpuprofile FILE] [--memprofile FILE] [--db URL]",
			"measure orders, balances and price lists per second (embedded server by default)", runBench},
		{"text", "--as USERNAME [--channel C] MESSAGE", "run one text command (e.g. S5.0812….PIN) as the reseller's bound identity and print the answer", runText},
		{"text limits", "[--reseller USERNAME] [--identity-spend N] [--identity-count N] [--reseller-spend N] [--reseller-count N]",
			"show or set the daily limits of text orders (everyone's default, or one reseller's)", runTextLimits},
		{"channel add", "--kind telegram|jabber|whatsapp [--token T] [--api-base URL] [--public-url URL] [--jid JID --password P] [--server HOST:PORT]",
			"configure a text channel (secrets are never printed back); serve starts it", runChannelAdd},
		{"channel list", "[--json]", "list the configured text channels, never their secrets", runChannelList},
		{"channel remove", "KIND", "remove a text channel", runChannelRemove},
		{"settings set", "NAME VALUE", "set one of the operator's settings, e.g. seller_name (\"\" gives it its default again)", runSettingsSet},
		{"settings list", "[--json]", "list the operator's settings with their values and defaults", runSettingsList},
		{"bank add", "--bank BANK --account-no N --holder NAME [--payment-method TEXT]",
			"add the account resellers transfer deposits to at a bank (replaces the bank's account)", runBankAdd},
		{"bank list", "[--json]", "list the accounts resellers transfer deposits to", runBankList},
		{"bank remove", "BANK", "remove the account at a bank", runBankRemove},
		{"migrate", "[up|status] [--json]", "apply database migrations, or show which are applied", runMigrate},
		{"backup", "FILE", "write a consistent copy of the database while the server runs (SQLite: checked copy; PostgreSQL: pg_dump)", runBackup},
		{"admin create", "--username U [--json]", "create an admin for the dashboard and print its generated password (shown once)", runAdminCreate},
		{"admin reset-2fa", "USERNAME", "turn off an admin's two-factor login (a lost authenticator and recovery codes)", runAdminReset2FA},
		{"secrets check", "[--json]", "open every sealed secret and show which keys seal them; exit 1 if one does not open or is in clear", runSecretsCheck},
		{"secrets rotate", "[--json]", "seal every secret with a new key (added first to the key file; with KIOS_SECRET_KEY, its first key)", runSecretsRotate},
		{"secrets keygen", "[--json]", "print a new secret key for KIOS_SECRET_KEY or a key file", runSecretsKeygen},
		{"admin reset-password", "USERNAME [--json]", "give an admin a new generated password (shown once); its sessions end", runAdminResetPassword},
		{"admin disable", "USERNAME", "stop an admin signing in; its sessions end and its API tokens stop working", runAdminDisable},
		{"admin enable", "USERNAME", "let a disabled admin sign in again", runAdminEnable},
		{"version", "", "print the version", runVersion},
	}
}

// Env is what a command runs with: its output streams and, on demand, the database and service.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment (os.Getenv).
	Getenv func(string) string

	dbURL    string
	keyFile  string // --secret-key-file
	help     bool   // the command line asks for help, which then goes to stdout
	readOnly bool   // the command only reads: it must not create or migrate a database
	db       *store.DB
	svc      *core.Service
}

// usageError is a command line that makes no sense; Main exits 2 for it. shown means the flag
// package has already printed the problem and the usage.
type usageError struct {
	msg   string
	shown bool
}

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// Main runs the kios command with args (without the program name) and returns its exit code:
// 0 on success, 1 when the command failed, 2 for a command line that makes no sense.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// Everything printed passes through terminal: see there why.
	e := &Env{Stdout: &terminal{w: stdout}, Stderr: &terminal{w: stderr}, Getenv: os.Getenv}
	defer e.Close()
	return e.main(ctx, args)
}

func (e *Env) main(ctx context.Context, args []string) int {
	// --db and --secret-key-file may also come before the command: kios --db URL reseller list.
	for len(args) > 0 {
		if v, ok := strings.CutPrefix(args[0], "--db="); ok {
			e.dbURL, args = v, args[1:]
		} else if (args[0] == "--db" || args[0] == "-db") && len(args) > 1 {
			e.dbURL, args = args[1], args[2:]
		} else if v, ok := strings.CutPrefix(args[0], "--secret-key-file="); ok {
			e.keyFile, args = v, args[1:]
		} else if (args[0] == "--secret-key-file" || args[0] == "-secret-key-file") && len(args) > 1 {
			e.keyFile, args = args[1], args[2:]
		} else {
			break
		}
	}
	if len(args) == 0 {
		e.usage(e.Stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		e.usage(e.Stdout)
		return 0
	case "-v", "-version", "--version":
		args = []string{"version"}
	}
	cmd, rest, ok := lookup(args)
	if !ok {
		name := args[0]
		if len(args) > 1 && isGroup(args[0]) {
			name += " " + args[1]
		}
		fmt.Fprintf(e.Stderr, "kios: unknown command %q\n\n", name)
		e.usage(e.Stderr)
		return 2
	}
	for _, a := range rest {
		if a == "-h" || a == "-help" || a == "--help" {
			e.help = true
		}
	}
	e.readOnly = readsOnly(cmd.name)
	err := cmd.run(auditContext(ctx, cmd.name, rest), e, rest)
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		if ue.shown {
			return 2
		}
		fmt.Fprintf(e.Stderr, "kios %s: %v\nusage: kios %s %s\n", cmd.name, err, cmd.name, cmd.args)
		return 2
	case errors.Is(err, errSilent):
		return 1
	default:
		fmt.Fprintf(e.Stderr, "kios %s: %v\n", cmd.name, err)
		return 1
	}
}

// errSilent fails a command that has already said why on stderr.
var errSilent = errors.New("failed")

func lookup(args []string) (command, []string, bool) {
	if len(args) >= 2 {
		for _, c := range commands() {
			if c.name == args[0]+" "+args[1] {
				return c, args[2:], true
			}
		}
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c, args[1:], true
		}
	}
	return command{}, nil, false
}

// isGroup reports whether word starts two-word commands ("reseller" of "reseller list").
func isGroup(word string) bool {
	for _, c := range commands() {
		if g, _, ok := strings.Cut(c.name, " "); ok && g == word {
			return true
		}
	}
	return false
}

func (e *Env) usage(w io.Writer) {
	fmt.Fprint(w, `kios: a host-to-host platform for Indonesian digital goods.

usage: kios COMMAND [flags] [arguments]

Every command takes --db URL (env KIOS_DB; default `+backend.DefaultURL+`):
sqlite:PATH or postgres://... Admin commands work while the server runs.
Secrets kept readable (api keys, supplier secrets) are sealed with the key in
--secret-key-file PATH (env KIOS_SECRET_KEY_FILE; default: beside a SQLite
database, kios.db.key) or in KIOS_SECRET_KEY; PostgreSQL needs one of them.

`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprint(w, "\nRun 'kios COMMAND --help' for a command's flags.\n")
}

// flags returns a flag set for a command, with the --db flag every command has.
func (e *Env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("kios "+name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	if e.help {
		fs.SetOutput(e.Stdout)
	}
	// The default is what a --db before the command name set, so that it survives.
	fs.StringVar(&e.dbURL, "db", e.dbURL, "database URL: sqlite:PATH or postgres://... (env KIOS_DB; default "+backend.DefaultURL+")")
	fs.StringVar(&e.keyFile, "secret-key-file", e.keyFile, "key file sealing secrets at rest (env KIOS_SECRET_KEY_FILE, or the keys in KIOS_SECRET_KEY; default: beside a SQLite database)")
	for _, c := range commands() {
		if c.name == name {
			fs.Usage = func() {
				fmt.Fprintf(fs.Output(), "usage: kios %s %s\n\n%s.\n", c.name, c.args, c.summary)
				if ep := adminAPI[c.name]; ep != "" {
					fmt.Fprintf(fs.Output(), "Admin API: %s (docs/ADMIN.md).\n", ep)
				}
				fmt.Fprint(fs.Output(), "\nflags:\n")
				fs.PrintDefaults()
			}
		}
	}
	return fs
}

// parse parses args with fs, letting flags and positional arguments come in any order
// ("reseller allow-ip USER CIDR --db X" as well as "--db X reseller allow-ip USER CIDR"), and
// checks the number of positional arguments against want (their names, for the error).
func parse(fs *flag.FlagSet, args []string, want ...string) ([]string, error) {
	pos, err := parseAny(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != len(want) {
		if len(pos) < len(want) {
			return nil, usagef("missing %s", strings.Join(want[len(pos):], " and "))
		}
		return nil, usagef("unexpected argument %q", pos[len(want)])
	}
	return pos, nil
}

// start parses args as parse does and opens the service: how most commands begin.
func (e *Env) start(ctx context.Context, fs *flag.FlagSet, args []string, want ...string) ([]string, *core.Service, error) {
	pos, err := parse(fs, args, want...)
	if err != nil {
		return nil, nil, err
	}
	svc, err := e.Service(ctx)
	return pos, svc, err
}

// parseAny is parse for commands that check their positional arguments themselves.
func parseAny(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{msg: err.Error(), shown: true}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			pos = append(pos, rest...) // after "--" everything is positional
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return pos, nil
}

// readsOnly reports whether a command only reads, so that pointing it at the wrong place
// (a typo in --db, a database not yet made) says so instead of creating an empty database.
func readsOnly(name string) bool {
	words := strings.Fields(name)
	switch words[len(words)-1] {
	case "list", "show", "check", "export", "tickets":
		return true
	}
	return words[0] == "report"
}

// Service opens the database (migrating it if needed) and the core service, once. A command that
// only reads never creates or migrates one.
func (e *Env) Service(ctx context.Context) (*core.Service, error) {
	if e.svc != nil {
		return e.svc, nil
	}
	url := e.DBURL()
	if err := backend.CheckURL(url); err != nil {
		return nil, usagef("--db: %v", err)
	}
	if e.readOnly {
		if err := backend.Exists(ctx, url); errors.Is(err, backend.ErrNoDatabase) {
			return nil, fmt.Errorf("%v; start `kios serve` or run `kios migrate up`", err)
		} else if err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
	}
	db, err := backend.Open(ctx, url, e.backendOptions())
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// The CLI speaks through its output; the core's info logs would only repeat it.
	log := slog.New(slog.NewTextHandler(e.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// core.New ensures the system accounts in a batch of its own: not the change the command's
	// audit row (on ctx) records, which must commit with that change, or not at all when the
	// command refuses.
	svc, err := core.New(audit.Without(ctx), db, core.Config{Router: simroute.New(0), Logger: log})
	if err != nil {
		db.Close()
		return nil, err
	}
	e.db, e.svc = db, svc
	return svc, nil
}

// backendOptions carries the secret key settings to backend.Open.
func (e *Env) backendOptions() backend.Options {
	var o backend.Options
	o.SecretKey, o.SecretKeyFile = backend.SecretsFromEnv(e.keyFile, e.Getenv)
	o.ReadOnly = e.readOnly
	return o
}

// DBURL is the database URL from --db, KIOS_DB or the default.
func (e *Env) DBURL() string {
	if e.dbURL != "" {
		return e.dbURL
	}
	if v := e.Getenv("KIOS_DB"); v != "" {
		return v
	}
	return backend.DefaultURL
}

// Close closes the database if a command opened it.
func (e *Env) Close() error {
	if e.db == nil {
		return nil
	}
	err := e.db.Close()
	e.db, e.svc = nil, nil
	return err
}

func (e *Env) table() *tabwriter.Writer { return tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0) }

// input opens the file a command reads, or stdin for "-".
func input(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(os.Stdin), nil
	}
	return os.Open(name)
}

// loadCatalog returns every product and every variant.
func loadCatalog(ctx context.Context, svc *core.Service) ([]catalog.Product, []catalog.VariantRow, error) {
	products, err := svc.Products(ctx)
	if err != nil {
		return nil, nil, err
	}
	rows, err := svc.Variants(ctx, catalog.VariantFilter{})
	return products, rows, err
}
