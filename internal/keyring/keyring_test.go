package keyring

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	t.Parallel()
	r, err := New("test", NewKey())
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.Seal("rahasia-api-key", "resellers.api_key")
	if err != nil {
		t.Fatal(err)
	}
	if !Sealed(s) || strings.Contains(s, "rahasia") || KeyID(s) != r.Primary() {
		t.Fatalf("sealed %q", s)
	}
	if s2, _ := r.Seal("rahasia-api-key", "resellers.api_key"); s2 == s {
		t.Error("two seals of one secret are equal: the nonce is not random")
	}
	if got, err := r.Open(s, "resellers.api_key"); err != nil || got != "rahasia-api-key" {
		t.Fatalf("open: %q, %v", got, err)
	}
	// Moved to another column: does not open.
	if _, err := r.Open(s, "suppliers.api_key"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("open in another column: %v", err)
	}
	// One character changed: does not open.
	flip := byte('A')
	if s[len(s)-2] == 'A' {
		flip = 'B'
	}
	bad := s[:len(s)-2] + string(flip) + s[len(s)-1:]
	if _, err := r.Open(bad, "resellers.api_key"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("open altered: %v", err)
	}
	// In clear (an older Kios): read as it is. Empty stays empty.
	if got, err := r.Open("plain", "x"); err != nil || got != "plain" {
		t.Errorf("open plain: %q %v", got, err)
	}
	if got, _ := r.Seal("", "x"); got != "" {
		t.Errorf("seal empty: %q", got)
	}
	// Another key: a clear error naming both keys.
	other, _ := New("KIOS_SECRET_KEY", NewKey())
	_, err = other.Open(s, "resellers.api_key")
	var uk *UnknownKeyError
	if !errors.As(err, &uk) || !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), r.Primary()) || !strings.Contains(err.Error(), other.Primary()) {
		t.Errorf("open with another key: %v", err)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	a, b := NewKey(), NewKey()
	r, err := Parse(Encode(a) + ", " + Encode(b))
	if err != nil {
		t.Fatal(err)
	}
	if ids := r.IDs(); len(ids) != 2 || ids[0] != ID(a) || ids[1] != ID(b) {
		t.Errorf("ids %v", ids)
	}
	for _, bad := range []string{"", "short", Encode(a[:16])} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestKeyFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", "kios.db.key")
	if _, err := LoadFile(path); !errors.Is(err, ErrNoKeyFile) {
		t.Fatalf("missing file: %v", err)
	}
	r, err := CreateFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", fi.Mode().Perm(), err)
	}
	if di, _ := os.Stat(filepath.Dir(path)); di.Mode().Perm() != 0o700 {
		t.Errorf("key dir mode %v", di.Mode().Perm())
	}
	again, err := CreateFile(path) // never overwrites
	if !r.Created() || err != nil || again.Primary() != r.Primary() || again.Created() {
		t.Fatalf("create again: %v %v", again, err)
	}
	sealed, _ := r.Seal("s3cret", "c")
	k := NewKey()
	r2, err := AddKeyFirst(path, k)
	if err != nil || r2.Primary() != ID(k) || len(r2.IDs()) != 2 {
		t.Fatalf("add key: %v %v", r2, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("rewritten key file mode %v", fi.Mode().Perm())
	}
	if got, err := r2.Open(sealed, "c"); err != nil || got != "s3cret" {
		t.Errorf("old value after rotation: %q %v", got, err)
	}
	// A ring read before the rotation finds the new key in the file when it meets it.
	newer, _ := r2.Seal("fresh", "c")
	if got, err := r.Open(newer, "c"); err != nil || got != "fresh" {
		t.Errorf("stale ring reading a value of the new key: %q %v", got, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable key file: %v", err)
	}
}
