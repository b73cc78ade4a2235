package backend_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/keyring"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// Secrets written in clear: a reseller's api key, a supplier's token, api key and callback
// secret, a TOTP secret, and a text channel's config (its bot token); distinctive so that a byte search cannot miss them.
var clearSecrets = []string{"resellerKEY-7f3a9c1d2e", "supplierTOKEN-88e1b0c4", "supplierKEY-2b7d4e9f10", "callbackSECRET-5c6d7e8f", "JBSWY3DPEHPK3PXPTOTPSECRETX",
	`{"token":"TELEGRAMbot-9a8b7c6d5e"}`}

func putSecrets(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	err := db.Batch(ctx, func(tx *store.Tx) error {
		r := &reseller.Reseller{Username: "tokosatu", Name: "Toko Satu", Membership: "default", Status: reseller.Active,
			TokenHash: reseller.HashToken("tok"), APIKey: clearSecrets[0]}
		if err := tx.ResellerInsert(ctx, r); err != nil {
			return err
		}
		s := &store.Supplier{Name: "dg", Kind: "digiflazz", BaseURL: "https://h2h.supplier.example/v1", Token: clearSecrets[1],
			Username: "kiosbuyer", APIKey: clearSecrets[2], CallbackSecret: clearSecrets[3], Enabled: true}
		if err := tx.SupplierInsert(ctx, s); err != nil {
			return err
		}
		if err := tx.TOTPPut(ctx, "admin:1", clearSecrets[4]); err != nil {
			return err
		}
		return tx.TextChannelPut(ctx, "telegram", clearSecrets[5])
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readSecrets reads every secret back through the store, which opens them.
func readSecrets(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	r, err := db.ResellerByUsername(ctx, "tokosatu")
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.SupplierByName(ctx, "dg")
	if err != nil {
		t.Fatal(err)
	}
	totp, err := db.TOTPGet(ctx, "admin:1")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := db.TextChannels(ctx)
	if err != nil || len(ch) != 1 {
		t.Fatalf("text channels %v: %v", ch, err)
	}
	return []string{r.APIKey, s.Token, s.APIKey, s.CallbackSecret, totp.Secret, ch[0].Config}
}

// rawSecrets reads the secret columns as stored.
func rawSecrets(t *testing.T, db *store.DB) []string {
	t.Helper()
	var out []string
	for _, q := range []string{`SELECT api_key FROM resellers`, `SELECT token || ' ' || api_key || ' ' || callback_secret FROM suppliers`, `SELECT secret FROM totp_secrets`, `SELECT config FROM text_channels`} {
		rows, err := db.Reader().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			out = append(out, strings.Fields(v)...)
		}
		rows.Close()
	}
	return out
}

// assertNoClear fails if a secret is in clear in the rows or, on SQLite, anywhere in the
// database's files.
func assertNoClear(t *testing.T, db *store.DB, url string) {
	t.Helper()
	raw := rawSecrets(t, db)
	if len(raw) != len(clearSecrets) {
		t.Fatalf("stored secrets: %q", raw)
	}
	for _, v := range raw {
		if !keyring.Sealed(v) {
			t.Errorf("a secret column holds %q, not a sealed value", v)
		}
		for _, c := range clearSecrets {
			if strings.Contains(v, c) {
				t.Errorf("a secret column holds %s in clear", c)
			}
		}
	}
	if backend.Kind(url) != "sqlite" {
		return
	}
	path := backend.SQLitePath(url)
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range clearSecrets {
			if bytes.Contains(b, []byte(c)) {
				t.Errorf("%s holds %s in clear", f, c)
			}
		}
	}
}

func equal(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

// TestSecretsSealedAtRest: secrets written through the store are sealed in their rows (and,
// on SQLite, appear nowhere in the database's files) and read back in clear.
func TestSecretsSealedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		url := b.URL(t)
		db := storetest.OpenURL(t, url)
		putSecrets(t, db)
		if got := readSecrets(t, db); !equal(got, clearSecrets) {
			t.Fatalf("read back %q", got)
		}
		assertNoClear(t, db, url)
		if backend.Kind(url) == "sqlite" {
			fi, err := os.Stat(backend.SQLitePath(url) + ".key")
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("key file beside the database: %v %v", fi, err)
			}
		}
		if err := db.CheckSecrets(context.Background()); err != nil {
			t.Errorf("CheckSecrets: %v", err)
		}
	})
}

// TestSecretsInClearAreSealedAtOpen: rows an older Kios wrote in clear are sealed when the
// database is opened, and the old bytes do not survive in SQLite's files.
func TestSecretsInClearAreSealedAtOpen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		url := b.URL(t)
		db := storetest.OpenURL(t, url)
		putSecrets(t, db)
		// As an older Kios stored them: in clear.
		w := db.Writer()
		for _, q := range []string{
			`UPDATE resellers SET api_key = '` + clearSecrets[0] + `'`,
			`UPDATE suppliers SET token = '` + clearSecrets[1] + `', api_key = '` + clearSecrets[2] + `', callback_secret = '` + clearSecrets[3] + `'`,
			`UPDATE totp_secrets SET secret = '` + clearSecrets[4] + `'`,
			`UPDATE text_channels SET config = '` + clearSecrets[5] + `'`,
		} {
			if _, err := w.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := db.SecretKeysInUse(ctx); n[""] != len(clearSecrets) {
			t.Fatalf("in clear before reopening: %v", n)
		}
		db.Close()

		db2 := storetest.OpenURL(t, url)
		if got := readSecrets(t, db2); !equal(got, clearSecrets) {
			t.Fatalf("read back %q", got)
		}
		assertNoClear(t, db2, url)
		db2.Close()
		if backend.Kind(url) == "sqlite" {
			db3 := storetest.OpenURL(t, url) // only to look at the files after a clean close
			assertNoClear(t, db3, url)
		}
	})
}

// TestWrongSecretKey: a database opened with another key, or with its key file gone, fails
// with an error that says so and names the keys; a value altered in its row fails to open.
func TestWrongSecretKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		url := b.URL(t)
		db := storetest.OpenURL(t, url)
		putSecrets(t, db)
		sealedWith := db.Secrets().Primary()

		wrong := keyring.Encode(keyring.NewKey())
		_, err := backend.Open(ctx, url, backend.Options{MaxConns: 4, SecretKey: wrong})
		if err == nil || !strings.Contains(err.Error(), "wrong secret key") || !strings.Contains(err.Error(), sealedWith) {
			t.Errorf("opened with another key: %v", err)
		}
		// The right key after a wrong one, as a rotation leaves KIOS_SECRET_KEY: opens.
		if backend.Kind(url) == "postgres" {
			db2, err := backend.Open(ctx, url, backend.Options{MaxConns: 4, SecretKey: wrong + "," + storetest.SecretKey})
			if err != nil {
				t.Fatalf("opened with a ring holding the key: %v", err)
			}
			if got := readSecrets(t, db2); !equal(got, clearSecrets) {
				t.Errorf("read back %q", got)
			}
			// Rotation with KIOS_SECRET_KEY: the new key first re-seals every secret; the old
			// key alone then no longer opens the database.
			if res, err := db2.Reseal(ctx, false); err != nil || res.Resealed != len(clearSecrets) {
				t.Fatalf("reseal: %+v %v", res, err)
			}
			db2.Close()
			if _, err := backend.Open(ctx, url, backend.Options{MaxConns: 4, SecretKey: storetest.SecretKey}); err == nil || !strings.Contains(err.Error(), "wrong secret key") {
				t.Errorf("the old key after rotation: %v", err)
			}
			db3, err := backend.Open(ctx, url, backend.Options{MaxConns: 4, SecretKey: wrong})
			if err != nil {
				t.Fatalf("the new key after rotation: %v", err)
			}
			defer db3.Close()
			if got := readSecrets(t, db3); !equal(got, clearSecrets) {
				t.Errorf("read back after rotation %q", got)
			}
			db = db3
			if _, err := backend.Open(ctx, url, backend.Options{MaxConns: 4}); !errors.Is(err, backend.ErrNeedKey) {
				t.Errorf("PostgreSQL with no key: %v", err)
			}
		} else {
			keyFile := backend.SQLitePath(url) + ".key"
			if err := os.Rename(keyFile, keyFile+".away"); err != nil {
				t.Fatal(err)
			}
			_, err := backend.Open(ctx, url, backend.Options{})
			if err == nil || !strings.Contains(err.Error(), "no key file") || !strings.Contains(err.Error(), sealedWith) {
				t.Errorf("opened with the key file gone: %v", err)
			}
			if _, err := os.Stat(keyFile); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a new key file was made over sealed secrets: %v", err)
			}
			if err := os.Rename(keyFile+".away", keyFile); err != nil {
				t.Fatal(err)
			}
		}
		// A sealed value moved to another row's column does not open.
		if _, err := db.Writer().ExecContext(ctx, `UPDATE resellers SET api_key = (SELECT api_key FROM suppliers)`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ResellerByUsername(ctx, "tokosatu"); !errors.Is(err, keyring.ErrCorrupt) {
			t.Errorf("a supplier's sealed key in a reseller's row: %v", err)
		}
		if err := db.CheckSecrets(ctx); !errors.Is(err, keyring.ErrCorrupt) {
			t.Errorf("CheckSecrets: %v", err)
		}
	})
}
