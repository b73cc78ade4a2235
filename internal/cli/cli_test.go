package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/kios-h2h/kios/internal/cli"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// kios runs the CLI in-process against one database.
type kios struct {
	t  *testing.T
	db string
	// keyFile is the secret key file given with --secret-key-file: PostgreSQL's (the key
	// storetest's databases use); SQLite's is beside the database unless a test sets one.
	keyFile string
}

// setup gives a test an empty SQLite database.
func setup(t *testing.T) *kios {
	t.Helper()
	return &kios{t: t, db: storetest.Backends()[0].URL(t)}
}

// each runs fn on an empty database of every configured backend (PostgreSQL too when
// KIOS_TEST_PG is set).
func each(t *testing.T, fn func(t *testing.T, k *kios)) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		fn(t, &kios{t: t, db: b.URL(t)})
	})
}

type result struct {
	code           int
	stdout, stderr string
}

func (k *kios) run(args ...string) result {
	k.t.Helper()
	var out, errb bytes.Buffer
	args = append(args, "--db", k.db)
	if k.keyFile == "" && strings.HasPrefix(k.db, "postgres") {
		k.keyFile = storetest.SecretKeyFile(k.t)
	}
	if k.keyFile != "" {
		args = append(args, "--secret-key-file", k.keyFile)
	}
	// The store the command opens refuses a transfer outside its reseller's lock domain.
	code := cli.Main(store.WithLockDomainAssertions(context.Background()), args, &out, &errb)
	return result{code, out.String(), errb.String()}
}

// ok runs a command that must succeed and returns its stdout.
func (k *kios) ok(args ...string) string {
	k.t.Helper()
	r := k.run(args...)
	if r.code != 0 {
		k.t.Fatalf("kios %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

func TestResellerCreateJSON(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		out := k.ok("reseller", "create", "--name", "Cishop Indo", "--email", "cs@example.com", "--membership", "gold", "--json")
		dec := json.NewDecoder(strings.NewReader(out))
		var got map[string]any
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if dec.More() {
			t.Fatalf("more than one JSON value:\n%s", out)
		}
		if id, ok := got["id"].(float64); !ok || id < 1 {
			t.Errorf("id = %#v, want a positive number", got["id"])
		}
		if got["username"] != "cishopindo" {
			t.Errorf("username = %#v", got["username"])
		}
		if tok, _ := got["token"].(string); len(tok) < 32 {
			t.Errorf("token = %#v, want at least 32 characters", got["token"])
		}
		if key, _ := got["api_key"].(string); len(key) < 32 {
			t.Errorf("api_key = %#v", got["api_key"])
		}
		if got["membership"] != "gold" {
			t.Errorf("membership = %#v", got["membership"])
		}

		// The same name again gets a username of its own.
		var again map[string]any
		if err := json.Unmarshal([]byte(k.ok("reseller", "create", "--json", "--name", "Cishop Indo")), &again); err != nil {
			t.Fatal(err)
		}
		if again["username"] == got["username"] || again["token"] == got["token"] {
			t.Errorf("second reseller reuses username or token: %v", again)
		}
		// An explicit username that is taken is refused.
		if r := k.run("reseller", "create", "--name", "X", "--username", "cishopindo"); r.code != 1 || !strings.Contains(r.stderr, "taken") {
			t.Errorf("taken username: exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

func TestResellerCreateSaysLoopbackOnly(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		out := k.ok("reseller", "create", "--name", "Toko Satu")
		if !strings.Contains(out, "loopback") || !strings.Contains(out, "kios reseller allow-ip tokosatu") {
			t.Errorf("summary does not say the reseller is loopback-only:\n%s", out)
		}
		out = k.ok("reseller", "create", "--name", "Toko Dua", "--allow-ip", "203.0.113.0/24", "--allow-ip", "198.51.100.7")
		if strings.Contains(out, "loopback") || !strings.Contains(out, "203.0.113.0/24,198.51.100.7/32") {
			t.Errorf("summary with --allow-ip:\n%s", out)
		}
		if r := k.run("reseller", "create", "--name", "Toko Tiga", "--allow-ip", "not-an-ip"); r.code != 2 {
			t.Errorf("bad --allow-ip: exit %d, want 2", r.code)
		}
		if r := k.run("reseller", "create"); r.code != 2 || !strings.Contains(r.stderr, "--name") {
			t.Errorf("missing --name: exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

func TestResellerAdmin(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		var created struct{ Token string }
		if err := json.Unmarshal([]byte(k.ok("reseller", "create", "--name", "Toko", "--username", "toko", "--json")), &created); err != nil {
			t.Fatal(err)
		}
		// Positional arguments before and after flags.
		k.ok("reseller", "allow-ip", "toko", "10.1.0.0/16")
		var out, errb bytes.Buffer
		before := []string{"--db", k.db}
		if k.keyFile != "" {
			before = append(before, "--secret-key-file", k.keyFile)
		}
		if code := cli.Main(context.Background(), append(before, "reseller", "allow-ip", "toko", "192.0.2.1"), &out, &errb); code != 0 {
			t.Fatalf("--db before the command: exit %d: %s", code, errb.String())
		}
		k.ok("reseller", "suspend", "toko")
		list := k.ok("reseller", "list")
		for _, want := range []string{"USERNAME", "toko", "suspended", "10.1.0.0/16,192.0.2.1/32"} {
			if !strings.Contains(list, want) {
				t.Errorf("reseller list lacks %q:\n%s", want, list)
			}
		}
		k.ok("reseller", "resume", "toko")
		if list := k.ok("reseller", "list"); strings.Contains(list, "suspended") {
			t.Errorf("resume did not take:\n%s", list)
		}

		var rotated map[string]any
		if err := json.Unmarshal([]byte(k.ok("reseller", "rotate-token", "toko", "--json")), &rotated); err != nil {
			t.Fatal(err)
		}
		if tok, _ := rotated["token"].(string); len(tok) < 32 || tok == created.Token || rotated["username"] != "toko" {
			t.Errorf("rotate-token --json = %v", rotated)
		}

		if r := k.run("reseller", "suspend", "nobody"); r.code != 1 || !strings.Contains(r.stderr, "not found") {
			t.Errorf("unknown reseller: exit %d, stderr %q", r.code, r.stderr)
		}
		if r := k.run("reseller", "allow-ip", "toko"); r.code != 2 || !strings.Contains(r.stderr, "missing CIDR") {
			t.Errorf("missing CIDR: exit %d, stderr %q", r.code, r.stderr)
		}
		if r := k.run("reseller", "allow-ip", "toko", "300.1.1.1"); r.code != 2 {
			t.Errorf("bad CIDR: exit %d", r.code)
		}
	})
}

func TestDeposit(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		k.ok("reseller", "create", "--name", "Toko", "--username", "toko")
		if out := k.ok("deposit", "credit", "--reseller", "toko", "--amount", "100000", "--note", "BCA transfer 24/11"); !strings.Contains(out, "balance 100000") {
			t.Errorf("credit: %s", out)
		}
		if out := k.ok("deposit", "debit", "--reseller", "toko", "--amount", "30000", "--note", "correction"); !strings.Contains(out, "balance 70000") {
			t.Errorf("debit: %s", out)
		}
		r := k.run("deposit", "debit", "--reseller", "toko", "--amount", "70001")
		if r.code != 1 || !strings.Contains(r.stderr, "insufficient balance") {
			t.Errorf("debit beyond balance: exit %d, stderr %q", r.code, r.stderr)
		}
		for _, args := range [][]string{
			{"deposit", "credit", "--reseller", "toko", "--amount", "0"},
			{"deposit", "credit", "--reseller", "toko", "--amount", "-5"},
			{"deposit", "credit", "--reseller", "toko", "--amount", "1.5"},
			{"deposit", "credit", "--amount", "5"},
		} {
			if r := k.run(args...); r.code != 2 {
				t.Errorf("%v: exit %d, want 2 (stderr %q)", args, r.code, r.stderr)
			}
		}
		if r := k.run("deposit", "credit", "--reseller", "nobody", "--amount", "5"); r.code != 1 {
			t.Errorf("unknown reseller: exit %d", r.code)
		}
		// --ref makes a credit safe to run again: the second moves nothing and says so.
		if out := k.ok("deposit", "credit", "--reseller", "toko", "--amount", "5000", "--ref", "BCA-2411-01"); !strings.Contains(out, "balance 75000") {
			t.Errorf("referenced credit: %s", out)
		}
		if out := k.ok("deposit", "credit", "--reseller", "toko", "--amount", "5000", "--ref", "BCA-2411-01"); !strings.Contains(out, "nothing moved") || !strings.Contains(out, "balance 75000") {
			t.Errorf("referenced credit again: %s", out)
		}
		if r := k.run("deposit", "credit", "--reseller", "toko", "--amount", "6000", "--ref", "BCA-2411-01"); r.code != 1 || !strings.Contains(r.stderr, "reference already used") {
			t.Errorf("reference reused for another amount: exit %d, stderr %q", r.code, r.stderr)
		}
		k.ok("deposit", "debit", "--reseller", "toko", "--amount", "5000", "--ref", "UNDO-1")
		list := k.ok("reseller", "list")
		if !strings.Contains(list, "70000") {
			t.Errorf("refused debit changed the balance:\n%s", list)
		}
		k.ok("ledger", "check")
	})
}

const catalogCSV = `product_code,product_name,category,brand,product_active,require_valid_id,dest_format,dest_pattern,image,variant_code,variant_name,kind,type,description,active,unlimited_stock,stock,multi,cutoff_start,cutoff_end,process_duration,admin,commission,price:default,price:demo
mobile-legends,Mobile Legends,Games,MOBILE LEGENDS,true,true,{user_id:User ID}({zone_id:Zone ID}),"^\d{6,12}\(\d{1,6}\)$",https://cdn.example.com/ml.png,MLBB_ID_5,5 (5+0) Diamonds,prepaid,Umum,,true,true,0,true,,,0,0,0,1450,1389
mobile-legends,Mobile Legends,Games,MOBILE LEGENDS,true,true,{user_id:User ID}({zone_id:Zone ID}),"^\d{6,12}\(\d{1,6}\)$",https://cdn.example.com/ml.png,MLBB_ID_WDP,Weekly Diamond Pass,prepaid,Umum,"Pass, 7 days",true,false,50,true,,,60,0,0,28700,27500
telkomsel,Telkomsel,Pulsa,TELKOMSEL,true,false,,,,s50,Telkomsel 50rb,prepaid,Umum,Pulsa Telkomsel Rp 50.000,true,false,100,false,23:45,00:15,5,0,0,51000,49030
zz-empty,Empty Product,Games,,false,false,,,,,,,,,,,,,,,,,,,
`

func TestCatalogImportExportRoundTrip(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		file := filepath.Join(t.TempDir(), "catalog.csv")
		if err := os.WriteFile(file, []byte(catalogCSV), 0o600); err != nil {
			t.Fatal(err)
		}
		if out := k.ok("catalog", "import", file); !strings.Contains(out, "3 products and 3 variants") {
			t.Errorf("import: %s", out)
		}
		exported := k.ok("catalog", "export")
		if exported != catalogCSV {
			t.Errorf("export differs from what was imported:\n got:\n%s\nwant:\n%s", exported, catalogCSV)
		}
		list := k.ok("catalog", "list")
		for _, want := range []string{"MLBB_ID_5", "demo=1389", "23:45-00:15", "Empty Product (inactive)"} {
			if !strings.Contains(list, want) {
				t.Errorf("catalog list lacks %q:\n%s", want, list)
			}
		}

		// A bad row anywhere refuses the whole file, naming its line and column.
		bad := strings.Replace(catalogCSV, "Telkomsel 50rb,prepaid", "Telkomsel 50rb,prepayed", 1)
		bad = strings.Replace(bad, "1450,1389", "1,1", 1)
		if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		r := k.run("catalog", "import", file)
		if r.code != 1 || !strings.Contains(r.stderr, "line 4: column kind") || !strings.Contains(r.stderr, "nothing imported") {
			t.Errorf("bad import: exit %d, stderr %q", r.code, r.stderr)
		}
		if again := k.ok("catalog", "export"); again != catalogCSV {
			t.Errorf("a refused import changed the catalog:\n%s", again)
		}
		if r := k.run("catalog", "import", filepath.Join(t.TempDir(), "missing.csv")); r.code != 1 {
			t.Errorf("missing file: exit %d", r.code)
		}
	})
}

func TestLedgerCheckExitCodes(t *testing.T) {
	t.Parallel()
	k := setup(t)
	k.ok("reseller", "create", "--name", "Toko", "--username", "toko")
	k.ok("deposit", "credit", "--reseller", "toko", "--amount", "5000")
	if out := k.ok("ledger", "check"); !strings.HasPrefix(out, "ledger OK") || strings.Count(out, "\n") != 1 {
		t.Errorf("clean ledger: %q", out)
	}

	// Corrupt a cached balance behind Kios's back.
	path := strings.TrimPrefix(k.db, "sqlite:")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE accounts SET balance = balance + 700 WHERE code LIKE 'reseller:%:available'`); err != nil {
		t.Fatal(err)
	}
	r := k.run("ledger", "check")
	if r.code != 1 {
		t.Fatalf("corrupt ledger: exit %d, want 1\n%s", r.code, r.stdout)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	// The account's balance no longer matches its postings, and all balances no longer sum to 0.
	if len(lines) != 2 || !strings.Contains(r.stdout, "balance 5700 but postings sum to 5000") || !strings.Contains(r.stdout, "sum to 700, not 0") {
		t.Errorf("discrepancies:\n%s", r.stdout)
	}
}

func TestOrderCommands(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		k.ok("migrate", "up") // reading commands no longer create the database (issue 14)
		if out := k.ok("order", "list"); !strings.HasPrefix(out, "INVOICE") {
			t.Errorf("empty order list: %q", out)
		}
		if r := k.run("order", "show", "KIOS-000000-NOPE"); r.code != 1 || !strings.Contains(r.stderr, "not found") {
			t.Errorf("unknown invoice: exit %d, stderr %q", r.code, r.stderr)
		}
		if r := k.run("order", "list", "--status", "Lost"); r.code != 2 {
			t.Errorf("bad status: exit %d", r.code)
		}
	})
}

func TestUsage(t *testing.T) {
	t.Parallel()
	k := setup(t)
	if r := k.run("frobnicate"); r.code != 2 || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := k.run("reseller", "explode"); r.code != 2 || !strings.Contains(r.stderr, `"reseller explode"`) {
		t.Errorf("unknown subcommand: exit %d", r.code)
	}
	if r := k.run("reseller", "list", "--colour"); r.code != 2 {
		t.Errorf("unknown flag: exit %d", r.code)
	}
	var out, errb bytes.Buffer
	if code := cli.Main(context.Background(), nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "reseller create") {
		t.Errorf("no arguments: exit %d", code)
	}
	if code := cli.Main(context.Background(), []string{"help"}, &out, &errb); code != 0 {
		t.Errorf("help: exit %d", code)
	}
	if out := k.ok("reseller", "create", "--help"); !strings.Contains(out, "usage: kios reseller create --name N") || !strings.Contains(out, "-allow-ip") {
		t.Errorf("reseller create --help: %q", out)
	}
	if out := k.ok("version"); !strings.HasPrefix(out, "kios ") {
		t.Errorf("version: %q", out)
	}
	// Line and count checks do not assume how many migrations there are or how wide their names.
	if out := k.ok("migrate", "status"); !migrationLine(out, "00001_init.sql", "pending") || strings.Contains(out, " 0 pending") {
		t.Errorf("migrate status of a new database: %q", out)
	}
	if out := k.ok("migrate", "up"); !strings.Contains(out, "applied 00001") || !strings.Contains(out, " 0 pending") {
		t.Errorf("migrate up: %q", out)
	}
	if out := k.ok("migrate"); strings.Contains(out, "applied") || !strings.Contains(out, ", 0 pending") || !strings.Contains(out, "schema at version ") {
		t.Errorf("migrate again: %q", out)
	}
	if out := k.ok("migrate", "status"); !migrationLine(out, "00001_init.sql", "applied") {
		t.Errorf("migrate status: %q", out)
	}
	if r := k.run("migrate", "down"); r.code != 2 {
		t.Errorf("migrate down: exit %d", r.code)
	}
}

// migrationLine reports whether a line of migrate status names the migration in that state.
func migrationLine(out, name, state string) bool {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[1] == name && f[2] == state {
			return true
		}
	}
	return false
}
