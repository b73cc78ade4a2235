package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/keyring"
	"github.com/kios-h2h/kios/internal/store/backend"
)

type secretsJSON struct {
	Source  string `json:"source"`
	KeyFile string `json:"key_file"`
	Keys    []struct {
		ID      string `json:"id"`
		Sealing bool   `json:"sealing"`
		Values  int    `json:"values"`
	} `json:"keys"`
	InClear  int      `json:"in_clear"`
	Unknown  []string `json:"unknown_keys"`
	Resealed int      `json:"resealed"`
	OK       bool     `json:"ok"`
}

func secretsOut(t *testing.T, out string) secretsJSON {
	t.Helper()
	var s secretsJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	return s
}

// TestSecretsRotate: kios secrets check shows the keys and what they seal; rotate adds a new key
// first to the key file and re-seals every secret with it, after which the api key still reads
// back, and the old key alone is refused with an error naming both keys.
func TestSecretsRotate(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		var created struct {
			APIKey string `json:"api_key"`
		}
		if err := json.Unmarshal([]byte(k.ok("reseller", "create", "--name", "Toko Satu", "--username", "tokosatu", "--json")), &created); err != nil {
			t.Fatal(err)
		}
		k.ok("supplier", "add", "--name", "dg", "--kind", "digiflazz", "--base-url", "http://127.0.0.1:9", "--username", "u", "--api-key", "supplier-secret-key")

		before := secretsOut(t, k.ok("secrets", "check", "--json"))
		if !before.OK || len(before.Keys) != 1 || before.Keys[0].Values < 2 || !before.Keys[0].Sealing || before.InClear != 0 {
			t.Fatalf("secrets check: %+v", before)
		}
		keyFile := k.keyFile
		if keyFile == "" {
			keyFile = backend.SQLitePath(k.db) + ".key"
		}
		if before.KeyFile != keyFile {
			t.Errorf("key file %q, want %q", before.KeyFile, keyFile)
		}
		oldFile, err := os.ReadFile(keyFile)
		if err != nil {
			t.Fatal(err)
		}

		after := secretsOut(t, k.ok("secrets", "rotate", "--json"))
		if len(after.Keys) != 2 || after.Keys[0].ID == before.Keys[0].ID || after.Keys[1].ID != before.Keys[0].ID ||
			after.Keys[0].Values != before.Keys[0].Values || after.Keys[1].Values != 0 || after.Resealed != before.Keys[0].Values || !after.OK {
			t.Fatalf("secrets rotate: %+v (before %+v)", after, before)
		}
		if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("key file after rotation: %v %v", fi, err)
		}
		if c := secretsOut(t, k.ok("secrets", "check", "--json")); !c.OK || c.Keys[0].Values != before.Keys[0].Values {
			t.Errorf("check after rotation: %+v", c)
		}
		db, err := backend.Open(context.Background(), k.db, backend.Options{SecretKeyFile: keyFile, MaxConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		r, err := db.ResellerByUsername(context.Background(), "tokosatu")
		db.Close()
		if err != nil || r.APIKey != created.APIKey {
			t.Fatalf("api key after rotation: %v", err)
		}

		// The old key alone, as a node not given the new one would have it.
		if err := os.WriteFile(keyFile, oldFile, 0o600); err != nil {
			t.Fatal(err)
		}
		res := k.run("secrets", "check")
		if res.code != 1 || !strings.Contains(res.stderr, "wrong secret key") || !strings.Contains(res.stderr, after.Keys[0].ID) ||
			!strings.Contains(res.stderr, before.Keys[0].ID) {
			t.Errorf("check with the old key only: exit %d, %q", res.code, res.stderr)
		}
	})
}

// TestSecretsKeygen: a key for KIOS_SECRET_KEY, with its id.
func TestSecretsKeygen(t *testing.T) {
	t.Parallel()
	k := setup(t)
	var g struct{ ID, Key string }
	if err := json.Unmarshal([]byte(k.ok("secrets", "keygen", "--json")), &g); err != nil {
		t.Fatal(err)
	}
	r, err := keyring.Parse(g.Key)
	if err != nil || r.Primary() != g.ID {
		t.Fatalf("keygen: %+v: %v", g, err)
	}
	if out := k.ok("secrets", "keygen"); len(strings.TrimSpace(out)) != 44 {
		t.Errorf("keygen: %q", out)
	}
}
