package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/keyring"
)

// TestSecretsRotateWithEnvKey: with KIOS_SECRET_KEY, rotate re-seals with the first key; run
// without a new key first it changes nothing and says what to do; afterwards the old key alone is
// refused.
func TestSecretsRotateWithEnvKey(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "kios.db")
	oldKey, newKey := keyring.Encode(keyring.NewKey()), keyring.Encode(keyring.NewKey())
	run := func(key string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		e := &Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
			if k == keyring.EnvKey {
				return key
			}
			return ""
		}}
		defer e.Close()
		code := e.main(context.Background(), append(args, "--db", db))
		return code, out.String(), errb.String()
	}
	if code, _, stderr := run(oldKey, "reseller", "create", "--name", "Toko Satu", "--username", "tokosatu"); code != 0 {
		t.Fatalf("reseller create: %d %s", code, stderr)
	}
	if code, _, stderr := run(oldKey, "secrets", "rotate"); code != 1 || !strings.Contains(stderr, "put a new key first in KIOS_SECRET_KEY") {
		t.Fatalf("rotate without a new key: %d %q", code, stderr)
	}
	code, out, stderr := run(newKey+","+oldKey, "secrets", "rotate", "--json")
	var rep struct {
		Keys []struct {
			ID     string `json:"id"`
			Values int    `json:"values"`
		} `json:"keys"`
		Resealed int `json:"resealed"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Keys) != 2 || rep.Resealed != 1 || rep.Keys[0].Values != 1 || rep.Keys[1].Values != 0 {
		t.Fatalf("rotate: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := run(oldKey, "reseller", "list"); code != 1 || !strings.Contains(stderr, "wrong secret key") {
		t.Fatalf("the old key after rotation: %d %q", code, stderr)
	}
	if code, _, stderr := run(newKey, "secrets", "check"); code != 0 {
		t.Fatalf("check with the new key: %d %q", code, stderr)
	}
	// No key file is made beside the database when the key comes from the environment.
	if _, err := keyring.LoadFile(strings.TrimPrefix(db, "sqlite:") + ".key"); err == nil {
		t.Error("a key file was made although KIOS_SECRET_KEY was given")
	}
}
