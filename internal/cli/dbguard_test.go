package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadOnlyCommandsCreateNoDatabase: a command that only reads, pointed at a missing SQLite
// file, says there is no Kios database there and exits 1, creating nothing; an unknown --db
// scheme exits 2.
func TestReadOnlyCommandsCreateNoDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "typo", "kios.db")
	k := &kios{t: t, db: "sqlite:" + path}
	for _, args := range [][]string{{"reseller", "list"}, {"order", "list"}, {"order", "show", "KIOS-X"}, {"ledger", "check"},
		{"catalog", "export"}, {"report", "margin"}, {"supplier", "list"}, {"markup", "list"}, {"deposit", "tickets"}, {"catalog", "list"}} {
		r := k.run(args...)
		if r.code != 1 || !strings.Contains(r.stderr, "no Kios database at") || !strings.Contains(r.stderr, "kios migrate up") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Fatalf("a read-only command created %s: %v", filepath.Dir(path), err)
	}
	for _, bad := range []string{"mysql://u@h/db", "sqlite3:x.db", "postgress://x"} {
		r := (&kios{t: t, db: bad}).run("reseller", "list")
		if r.code != 2 || !strings.Contains(r.stderr, "unknown scheme") {
			t.Errorf("--db %s: exit %d, stderr %q", bad, r.code, r.stderr)
		}
	}
	if r := (&kios{t: t, db: "mysql://u@h/db"}).run("reseller", "create", "--name", "X"); r.code != 2 {
		t.Errorf("reseller create on an unknown scheme: exit %d", r.code)
	}
	// A command that writes still creates the database, as before.
	k.ok("reseller", "create", "--name", "Toko")
	if out := k.ok("reseller", "list"); !strings.Contains(out, "toko") {
		t.Fatalf("list after create: %s", out)
	}
}

// TestReadOnlyCommandsMakeNoKey: on a database with no sealed secret (migrated, or written by an
// older Kios), a reading command makes no key file and seals nothing; the first writing command
// makes the key file.
func TestReadOnlyCommandsMakeNoKey(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "kios.db")
	k := &kios{t: t, db: "sqlite:" + path}
	k.ok("migrate", "up")
	k.ok("reseller", "list")
	if out := k.ok("secrets", "check", "--json"); !strings.Contains(out, `"ok":true`) || !strings.Contains(out, `"keys":[]`) {
		t.Errorf("secrets check before any key: %s", out)
	}
	if _, err := os.Stat(path + ".key"); !os.IsNotExist(err) {
		t.Fatalf("a reading command made a key file: %v", err)
	}
	k.ok("reseller", "create", "--name", "Toko")
	if _, err := os.Stat(path + ".key"); err != nil {
		t.Fatalf("the first writing command made no key file: %v", err)
	}
	k.ok("reseller", "list")
}
