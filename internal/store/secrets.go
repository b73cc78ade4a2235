package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/kios-h2h/kios/internal/keyring"
)

// Secrets Kios must read back in clear (to check signs, sign requests and callbacks, compute
// TOTP codes) are sealed with the DB's keyring (package keyring) as they are written and opened
// as they are read; the columns below never hold them in clear. A value stored in clear by an
// older Kios is read as it is, and sealed by SealPlaintext at start.

// keyHolder is the DB's keyring, shared by its Q values (the pool's and every Tx's).
type keyHolder struct{ ring atomic.Pointer[keyring.Ring] }

// ErrNoSecretKey: a secret was read or written through a DB that was given no keyring.
var ErrNoSecretKey = errors.New("no secret key: the database was opened without one")

// secretColumn is a column holding sealed secrets, with its table's key.
type secretColumn struct{ table, key, col string }

func (c secretColumn) name() string { return c.table + "." + c.col }

var secretColumns = []secretColumn{
	{"resellers", "id", "api_key"},
	{"reseller_otomax", "reseller_id", "pin"},
	{"suppliers", "id", "token"},
	{"suppliers", "id", "api_key"},
	{"suppliers", "id", "callback_secret"},
	{"totp_secrets", "subject", "secret"},
	{"text_channels", "kind", "config"},
	{"gateways", "id", "api_key"},
	{"gateways", "id", "private_key"},
	{"gateways", "id", "server_key"},
	{"gateways", "id", "callback_token"},
	{"gateways", "id", "secret"},
}

// UseSecrets gives the DB its keyring (backend.Open does, once it has found the key).
func (db *DB) UseSecrets(r *keyring.Ring) { db.keys.ring.Store(r) }

// Secrets is the DB's keyring (nil when it has none).
func (db *DB) Secrets() *keyring.Ring { return db.keys.ring.Load() }

func (q Q) ring() (*keyring.Ring, error) {
	if q.keys == nil {
		return nil, ErrNoSecretKey
	}
	r := q.keys.ring.Load()
	if r == nil {
		return nil, ErrNoSecretKey
	}
	return r, nil
}

// seal seals a secret of column (table.col) for writing.
func (q Q) seal(plain, column string) (string, error) {
	if plain == "" {
		return "", nil
	}
	r, err := q.ring()
	if err != nil {
		return "", fmt.Errorf("%s: %w", column, err)
	}
	return r.Seal(plain, column)
}

// open opens a secret of column as read.
func (q Q) open(s, column string) (string, error) {
	if !keyring.Sealed(s) {
		return s, nil
	}
	r, err := q.ring()
	if err != nil {
		return "", fmt.Errorf("%s: %w", column, err)
	}
	return r.Open(s, column)
}

// openAll opens several secrets in place, the column names paired with the pointers.
func (q Q) openAll(pairs ...any) error {
	for i := 0; i < len(pairs); i += 2 {
		col, p := pairs[i].(string), pairs[i+1].(*string)
		v, err := q.open(*p, col)
		if err != nil {
			return err
		}
		*p = v
	}
	return nil
}

// SecretKeysInUse counts the sealed values per key id (and, under "", the values still in
// clear), over every secret column.
func (q Q) SecretKeysInUse(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, c := range secretColumns {
		rows, err := q.query(ctx, `SELECT `+c.col+` FROM `+c.table+` WHERE `+c.col+` <> ''`)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", c.name(), err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, err
			}
			out[keyring.KeyID(v)]++
		}
		err = rows.Close()
		if err == nil {
			err = rows.Err()
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", c.name(), err)
		}
	}
	return out, nil
}

// ResealResult counts what Reseal changed.
type ResealResult struct {
	Sealed   int // values that were in clear
	Resealed int // values sealed with another key, now with the sealing key
}

// Reseal seals, with the keyring's sealing key, every secret that is in clear (all of them, or
// only those when plaintextOnly) or sealed with another key, in one transaction. It opens every
// value first: a value no key of the ring opens fails the whole, changing nothing.
func (db *DB) Reseal(ctx context.Context, plaintextOnly bool) (ResealResult, error) {
	r := db.Secrets()
	if r == nil {
		return ResealResult{}, ErrNoSecretKey
	}
	primary := r.Primary()
	var res ResealResult
	err := db.Batch(ctx, func(tx *Tx) error {
		res = ResealResult{}
		for _, c := range secretColumns {
			type row struct {
				key any // an integer id or a TOTP subject, passed back as it was read
				val string
			}
			var todo []row
			rows, err := tx.query(ctx, `SELECT `+c.key+`, `+c.col+` FROM `+c.table+` WHERE `+c.col+` <> ''`)
			if err != nil {
				return fmt.Errorf("read %s: %w", c.name(), err)
			}
			for rows.Next() {
				var k any
				var v string
				if err := rows.Scan(&k, &v); err != nil {
					rows.Close()
					return err
				}
				if b, ok := k.([]byte); ok {
					k = string(b)
				}
				id := keyring.KeyID(v)
				if id == primary || (plaintextOnly && id != "") {
					continue
				}
				todo = append(todo, row{k, v})
			}
			err = rows.Close()
			if err == nil {
				err = rows.Err()
			}
			if err != nil {
				return fmt.Errorf("read %s: %w", c.name(), err)
			}
			for _, t := range todo {
				plain, err := tx.open(t.val, c.name())
				if err != nil {
					return err
				}
				sealed, err := tx.seal(plain, c.name())
				if err != nil {
					return err
				}
				if _, err := tx.exec(ctx, `UPDATE `+c.table+` SET `+c.col+` = ? WHERE `+c.key+` = ?`, sealed, t.key); err != nil {
					return fmt.Errorf("seal %s: %w", c.name(), err)
				}
				if keyring.Sealed(t.val) {
					res.Resealed++
				} else {
					res.Sealed++
				}
				if c.table == "resellers" {
					tx.resellersChanged = true
				}
			}
		}
		return nil
	})
	return res, err
}

// CheckSecrets opens every sealed secret and returns the first that does not open (nil when all
// do): a wrong key is found at start rather than at a reseller's first call.
func (q Q) CheckSecrets(ctx context.Context) error {
	for _, c := range secretColumns {
		rows, err := q.query(ctx, `SELECT `+c.col+` FROM `+c.table+` WHERE `+c.col+` <> ''`)
		if err != nil {
			return fmt.Errorf("read %s: %w", c.name(), err)
		}
		var bad error
		for rows.Next() && bad == nil {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			_, bad = q.open(v, c.name())
		}
		err = rows.Close()
		if bad != nil {
			return bad
		}
		if err == nil {
			err = rows.Err()
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", c.name(), err)
		}
	}
	return nil
}
