package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/kios-h2h/kios/internal/keyring"
)

// secretKeyInfo is one key of the ring, as secrets check and rotate print it.
type secretKeyInfo struct {
	ID      string `json:"id"`
	Sealing bool   `json:"sealing"` // the key new secrets are sealed with
	Values  int    `json:"values"`  // secrets sealed with it
}

type secretsReport struct {
	Source   string          `json:"source"`
	KeyFile  string          `json:"key_file,omitempty"`
	Keys     []secretKeyInfo `json:"keys"`
	InClear  int             `json:"in_clear"`
	Unknown  []string        `json:"unknown_keys"` // keys values name that the ring lacks
	Sealed   int             `json:"sealed,omitempty"`
	Resealed int             `json:"resealed,omitempty"`
	OK       bool            `json:"ok"`
	Error    string          `json:"error,omitempty"`
}

func (e *Env) secretsReport(ctx context.Context) (*secretsReport, error) {
	if _, err := e.Service(ctx); err != nil {
		return nil, err
	}
	db := e.db // the store the CLI opened: key rotation is the store's own work
	ring := db.Secrets()
	inUse, err := db.SecretKeysInUse(ctx)
	if err != nil {
		return nil, err
	}
	rep := &secretsReport{Source: "no key yet (the first command that writes makes one)", InClear: inUse[""], Unknown: []string{}, Keys: []secretKeyInfo{}}
	var ids []string
	if ring != nil {
		rep.Source, rep.KeyFile, ids = ring.Source(), ring.File(), ring.IDs()
	}
	for i, id := range ids {
		rep.Keys = append(rep.Keys, secretKeyInfo{ID: id, Sealing: i == 0, Values: inUse[id]})
	}
	for id := range inUse {
		if id != "" && !slices.Contains(ids, id) {
			rep.Unknown = append(rep.Unknown, id)
		}
	}
	sort.Strings(rep.Unknown)
	return rep, nil
}

func (e *Env) printSecrets(rep *secretsReport, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(e.Stdout).Encode(rep)
	}
	fmt.Fprintf(e.Stdout, "keys from %s\n", rep.Source)
	for _, k := range rep.Keys {
		role := "opens"
		if k.Sealing {
			role = "seals"
		}
		fmt.Fprintf(e.Stdout, "  key %s  %s  %d secrets\n", k.ID, role, k.Values)
	}
	if rep.Sealed+rep.Resealed > 0 && len(rep.Keys) > 0 {
		fmt.Fprintf(e.Stdout, "sealed %d secrets found in clear, re-sealed %d with key %s\n", rep.Sealed, rep.Resealed, rep.Keys[0].ID)
	}
	if rep.InClear > 0 {
		fmt.Fprintf(e.Stdout, "%d secrets in clear\n", rep.InClear)
	}
	for _, id := range rep.Unknown {
		fmt.Fprintf(e.Stdout, "secrets sealed with key %s, which is not given\n", id)
	}
	if rep.Error != "" {
		fmt.Fprintf(e.Stdout, "%s\n", rep.Error)
	}
	return nil
}

func runSecretsCheck(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("secrets check")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	rep, err := e.secretsReport(ctx)
	if err != nil {
		return err
	}
	if err := e.db.CheckSecrets(ctx); err != nil {
		rep.Error = err.Error()
	}
	rep.OK = rep.Error == "" && rep.InClear == 0 && len(rep.Unknown) == 0
	if err := e.printSecrets(rep, *asJSON); err != nil {
		return err
	}
	if !rep.OK {
		return errSilent
	}
	return nil
}

func runSecretsRotate(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("secrets rotate")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if _, err := e.Service(ctx); err != nil {
		return err
	}
	db := e.db // the store the CLI opened: key rotation is the store's own work
	ring := db.Secrets()
	if file := ring.File(); file != "" {
		// A new key goes first in the file before any row is sealed with it, so a crash
		// in between leaves rows every key in the file still opens. The old keys stay: older
		// backups need them.
		fresh, err := keyring.AddKeyFirst(file, keyring.NewKey())
		if err != nil {
			return err
		}
		db.UseSecrets(fresh)
	} else {
		inUse, err := db.SecretKeysInUse(ctx)
		if err != nil {
			return err
		}
		if len(inUse) > 0 && inUse[ring.Primary()] == sumValues(inUse) {
			return errors.New("every secret is sealed with key " + ring.Primary() + " already: put a new key first in " +
				keyring.EnvKey + " (`kios secrets keygen` prints one), keeping the old one after it, on every node, then run this again")
		}
	}
	res, err := db.Reseal(ctx, false)
	if err != nil {
		return fmt.Errorf("re-seal: %w", err)
	}
	rep, err := e.secretsReport(ctx)
	if err != nil {
		return err
	}
	rep.Sealed, rep.Resealed = res.Sealed, res.Resealed
	rep.OK = rep.InClear == 0 && len(rep.Unknown) == 0
	return e.printSecrets(rep, *asJSON)
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func runSecretsKeygen(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("secrets keygen")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	k := keyring.NewKey()
	if *asJSON {
		return json.NewEncoder(e.Stdout).Encode(struct {
			ID  string `json:"id"`
			Key string `json:"key"`
		}{keyring.ID(k), keyring.Encode(k)})
	}
	fmt.Fprintf(e.Stdout, "%s\n", keyring.Encode(k))
	fmt.Fprintf(e.Stderr, "key id %s: put it first in %s (old keys after it, comma-separated) or in a key file\n", keyring.ID(k), keyring.EnvKey)
	return nil
}
