package backend

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kios-h2h/kios/internal/keyring"
	"github.com/kios-h2h/kios/internal/store"
)

// ErrNeedKey: a PostgreSQL database was opened with no secret key given. Its nodes must share one
// key, so none is made up on the spot.
var ErrNeedKey = errors.New("PostgreSQL keeps secrets sealed with a key every node shares: set " +
	keyring.EnvKey + " (`kios secrets keygen` prints one) or --secret-key-file (" + keyring.EnvKeyFile + ")")

// SecretsFromEnv is the key and key file a command uses: the key file given on its command line
// (--secret-key-file) if any, else KIOS_SECRET_KEY and KIOS_SECRET_KEY_FILE (both set is an error,
// which LoadKeys reports).
func SecretsFromEnv(flagFile string, getenv func(string) string) (key, file string) {
	if flagFile != "" {
		return "", flagFile
	}
	return getenv(keyring.EnvKey), getenv(keyring.EnvKeyFile)
}

// KeyFile is the key file a database uses when given neither a key nor a key file: beside a
// SQLite database (kios.db → kios.db.key); "" for PostgreSQL, which has no such place.
func KeyFile(url string, opts Options) string {
	if opts.SecretKeyFile != "" {
		return opts.SecretKeyFile
	}
	if opts.SecretKey != "" || Kind(url) == "postgres" {
		return ""
	}
	if url == "" {
		url = DefaultURL
	}
	return SQLitePath(url) + ".key"
}

// LoadKeys finds the keyring for the database at url without opening it: from opts.SecretKey,
// or from the key file (KeyFile). create makes a missing key file.
func LoadKeys(url string, opts Options, create bool) (*keyring.Ring, error) {
	if opts.SecretKey != "" && opts.SecretKeyFile != "" {
		return nil, fmt.Errorf("give %s or a key file, not both", keyring.EnvKey)
	}
	if opts.SecretKey != "" {
		return keyring.Parse(opts.SecretKey)
	}
	file := KeyFile(url, opts)
	if file == "" {
		return nil, ErrNeedKey
	}
	r, err := keyring.LoadFile(file)
	if errors.Is(err, keyring.ErrNoKeyFile) && create {
		return keyring.CreateFile(file)
	}
	return r, err
}

// OpenSecrets gives db the keyring for its secrets, and seals the secrets an older Kios stored
// in clear. A missing key file is made, unless the database already holds sealed secrets (its
// key file was lost or is elsewhere: making a new one would only hide that). Every key a sealed
// value names must be in the ring, so a wrong key is found here, not at a reseller's first call.
// With opts.ReadOnly nothing is made or sealed, and a database holding no sealed secret opens
// without a key (db.Secrets is then nil).
func OpenSecrets(ctx context.Context, db *store.DB, url string, opts Options) error {
	inUse, err := db.SecretKeysInUse(ctx)
	if err != nil {
		return err
	}
	var sealedWith []string
	for id := range inUse {
		if id != "" {
			sealedWith = append(sealedWith, id)
		}
	}
	sort.Strings(sealedWith)
	ring, err := LoadKeys(url, opts, len(sealedWith) == 0 && !opts.ReadOnly)
	if opts.ReadOnly && len(sealedWith) == 0 && (errors.Is(err, keyring.ErrNoKeyFile) || errors.Is(err, ErrNeedKey)) {
		return nil // nothing sealed to open; secrets in clear read as they are
	}
	if errors.Is(err, keyring.ErrNoKeyFile) {
		return fmt.Errorf("the database's secrets are sealed with key %s, and there is no key file at %s: restore it, or set %s or --secret-key-file",
			strings.Join(sealedWith, ", "), KeyFile(url, opts), keyring.EnvKey)
	}
	if err != nil {
		return fmt.Errorf("secret key: %w", err)
	}
	have := ring.IDs()
	for _, id := range sealedWith {
		if !slices.Contains(have, id) {
			return fmt.Errorf("wrong secret key: the database's secrets are sealed with key %s, but %s holds key %s (every node and command needs the same keys)",
				strings.Join(sealedWith, ", "), ring.Source(), strings.Join(have, ", "))
		}
	}
	db.UseSecrets(ring)
	if inUse[""] == 0 || opts.ReadOnly {
		return nil
	}
	if _, err := db.Reseal(store.WithoutAudit(ctx), true); err != nil {
		return fmt.Errorf("seal secrets stored in clear: %w", err)
	}
	if db.Dialect().Name == "sqlite" {
		// The rows held the secrets in clear until now: secure_delete zeroed the old records in
		// their pages; the checkpoint moves those pages into the database file and empties the
		// write-ahead log that still held the old ones. Best effort: a reader may hold it back.
		_, _ = db.Writer().ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	}
	return nil
}
