package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackup: a backup is a usable database holding what was committed, checked by the ledger
// check; an existing file is never overwritten.
func TestBackup(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		if strings.HasPrefix(k.db, "postgres") {
			if _, err := exec.LookPath("pg_dump"); err != nil {
				t.Skip("pg_dump not installed")
			}
		}
		k.ok("reseller", "create", "--name", "Toko Satu", "--username", "tokosatu")
		k.ok("deposit", "credit", "--reseller", "tokosatu", "--amount", "125000")
		file := filepath.Join(t.TempDir(), "kios-backup.db")
		out := k.ok("backup", file)
		if !strings.Contains(out, "backup written to "+file) {
			t.Fatalf("backup said %q", out)
		}
		if r := k.run("backup", file); r.code != 1 || !strings.Contains(r.stderr, "exists") {
			t.Fatalf("second backup to the same file: exit %d, %q", r.code, r.stderr)
		}
		if strings.HasPrefix(k.db, "postgres") {
			// Restoring a pg_dump needs pg_restore and a database; check the dump holds the data.
			fi, err := os.Stat(file)
			if err != nil || fi.Size() == 0 {
				t.Fatalf("no dump written: %v", err)
			}
			if lst, err := exec.Command("pg_restore", "--list", file).Output(); err == nil && !strings.Contains(string(lst), "TABLE DATA") {
				t.Fatalf("the dump holds no table data:\n%s", lst)
			}
			return
		}
		if !strings.Contains(out, "ledger OK") {
			t.Fatalf("the copy was not checked: %q", out)
		}
		// The backup's secrets are sealed with the live database's key: no key file is made
		// beside the copy, and restoring it takes the key file too.
		if _, err := os.Stat(file + ".key"); !os.IsNotExist(err) {
			t.Errorf("a key file beside the backup: %v", err)
		}
		restored := &kios{t: t, db: "sqlite:" + file, keyFile: strings.TrimPrefix(k.db, "sqlite:") + ".key"}
		list := restored.ok("reseller", "list")
		if !strings.Contains(list, "tokosatu") || !strings.Contains(list, "125000") {
			t.Fatalf("the backup lacks the reseller or its balance:\n%s", list)
		}
		restored.ok("ledger", "check")
	})
}

// TestFilesOwnerOnly: the database (and its directory) and a backup hold secrets: created 0600
// (directories 0700).
func TestFilesOwnerOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "data", "kios.db")
	k := &kios{t: t, db: "sqlite:" + db}
	k.ok("reseller", "create", "--name", "Toko")
	dst := filepath.Join(dir, "copy.db")
	k.ok("backup", dst)
	for path, want := range map[string]os.FileMode{filepath.Dir(db): 0o700, db: 0o600, dst: 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got&^want != 0 {
			t.Errorf("%s: mode %v, want at most %v", path, got, want)
		}
	}
}
