// Package keyring seals the secrets Kios must keep readable — resellers' api keys (they check
// signs and sign callbacks), suppliers' tokens, api keys and callback secrets, TOTP secrets — so
// that the database, its backups and its dumps never hold them in clear.
//
// A sealed value is "$kios1$KID$" followed by base64url(nonce ‖ AES-256-GCM ciphertext). KID
// names the key (eight hex digits derived from it), so a ring may hold several keys: the first
// seals, every one opens. That is what lets a key be rotated: put a new key first, re-seal every
// row with it (`kios secrets rotate`), keep the old one as long as old backups matter. The column
// a value belongs to is the AEAD's additional data, so a sealed value copied into another column
// (a supplier's secret into a reseller's api key, which the reseller can read) does not open.
//
// Keys come from a key file (one base64 key a line, the sealing key first, created 0600) or from
// KIOS_SECRET_KEY (the same keys, comma-separated).
package keyring

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// EnvKey names the environment variable that may hold the keys.
const EnvKey = "KIOS_SECRET_KEY"

// EnvKeyFile names the environment variable that may name the key file.
const EnvKeyFile = "KIOS_SECRET_KEY_FILE"

// KeySize is the length of a key: AES-256.
const KeySize = 32

const prefix = "$kios1$"

// Errors of opening sealed values.
var (
	// ErrUnknownKey: the value was sealed with a key the ring does not hold.
	ErrUnknownKey = errors.New("sealed with a key this server does not have")
	// ErrCorrupt: the key is known but the value does not open (altered, or moved from
	// another column).
	ErrCorrupt = errors.New("sealed value does not open: altered, moved from another column, or a different key with the same id")
	// ErrNoKey: a ring with no key (nothing to seal with).
	ErrNoKey = errors.New("no secret key")
)

type key struct {
	id   string
	aead cipher.AEAD
	raw  []byte
}

// Ring is a set of keys. Its methods are safe for concurrent use.
type Ring struct {
	mu     sync.RWMutex
	keys   []key
	source string // for errors: "key file PATH" or "KIOS_SECRET_KEY"
	file   string // the key file, re-read when a value names a key the ring lacks
	// created: CreateFile made the key file just now (the server says so, once).
	created bool
}

// NewKey returns a fresh random key.
func NewKey() []byte {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return k
}

// Encode writes a key as the key file and KIOS_SECRET_KEY hold it (standard base64).
func Encode(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

// ID is the id of a key: what sealed values name it by. It reveals nothing of the key.
func ID(k []byte) string {
	h := sha256.Sum256(append([]byte("kios secret key id\x00"), k...))
	return hex.EncodeToString(h[:4])
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	var k []byte
	var err error
	if len(s) == 2*KeySize {
		k, err = hex.DecodeString(s)
	} else {
		k, err = base64.StdEncoding.DecodeString(s)
		if err != nil {
			k, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
		}
	}
	if err != nil || len(k) != KeySize {
		return nil, fmt.Errorf("a key is %d random bytes in base64 (44 characters) or hex (64): %d characters given", KeySize, len(s))
	}
	return k, nil
}

func newRing(raw [][]byte, source, file string) (*Ring, error) {
	r := &Ring{source: source, file: file}
	seen := map[string]bool{}
	for _, k := range raw {
		c, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(c)
		if err != nil {
			return nil, err
		}
		id := ID(k)
		if seen[id] {
			continue
		}
		seen[id] = true
		r.keys = append(r.keys, key{id: id, aead: aead, raw: k})
	}
	if len(r.keys) == 0 {
		return nil, fmt.Errorf("%s: %w", source, ErrNoKey)
	}
	return r, nil
}

// New makes a ring of keys, the first sealing. source names where they came from, for errors.
func New(source string, keys ...[]byte) (*Ring, error) { return newRing(keys, source, "") }

// Parse reads keys as KIOS_SECRET_KEY holds them: base64 (or hex) keys separated by commas or
// spaces, the sealing key first.
func Parse(s string) (*Ring, error) {
	var raw [][]byte
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		k, err := decodeKey(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvKey, err)
		}
		raw = append(raw, k)
	}
	return newRing(raw, EnvKey, "")
}

// ErrNoKeyFile is LoadFile's answer for a missing file (it wraps fs.ErrNotExist).
var ErrNoKeyFile = fmt.Errorf("no key file: %w", fs.ErrNotExist)

func readFile(path string) ([][]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", path, ErrNoKeyFile)
	}
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	var raw [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, err := decodeKey(strings.Fields(line)[0])
		if err != nil {
			return nil, fmt.Errorf("key file %s line %d: %w", path, n, err)
		}
		raw = append(raw, k)
	}
	return raw, nil
}

// LoadFile reads a key file. A missing file is ErrNoKeyFile. A file others may read is refused:
// the key is as secret as every secret it seals.
func LoadFile(path string) (*Ring, error) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key file %s is readable by others (mode %v): chmod 600 it", path, fi.Mode().Perm())
	}
	raw, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return newRing(raw, "key file "+path, path)
}

// CreateFile makes a key file holding one new key, 0600 (its directory 0700), and returns its
// ring. It never overwrites a file: if one appeared meanwhile (another process), that one is
// loaded.
func CreateFile(path string) (*Ring, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	k := NewKey()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	_, err = f.WriteString(fileText([][]byte{k}))
	if err2 := f.Sync(); err == nil {
		err = err2
	}
	if err2 := f.Close(); err == nil {
		err = err2
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	r, err := newRing([][]byte{k}, "key file "+path, path)
	if r != nil {
		r.created = true
	}
	return r, err
}

func fileText(keys [][]byte) string {
	var b strings.Builder
	b.WriteString("# Kios secret keys: they seal resellers' api keys, suppliers' secrets and TOTP secrets in\n")
	b.WriteString("# the database. The first key seals, every key opens. Keep a copy apart from the backups:\n")
	b.WriteString("# without it those secrets cannot be read. `kios secrets rotate` adds a new key first.\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "%s  # id %s\n", Encode(k), ID(k))
	}
	return b.String()
}

// AddKeyFirst writes path again with k first and the keys it held after it (atomically, 0600),
// and returns the new ring.
func AddKeyFirst(path string, k []byte) (*Ring, error) {
	old, err := readFile(path)
	if err != nil {
		return nil, err
	}
	keys := append([][]byte{k}, old...)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kios-key-*")
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("key file: %w", err)
	}
	_, err = tmp.WriteString(fileText(keys))
	if err2 := tmp.Sync(); err == nil {
		err = err2
	}
	if err2 := tmp.Close(); err == nil {
		err = err2
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return newRing(keys, "key file "+path, path)
}

// Created reports whether the ring's key file was made by this process (CreateFile).
func (r *Ring) Created() bool { return r.created }

// Source says where the ring's keys came from.
func (r *Ring) Source() string { return r.source }

// File is the key file the ring was read from ("" for KIOS_SECRET_KEY).
func (r *Ring) File() string { return r.file }

// IDs lists the ring's key ids, the sealing key first.
func (r *Ring) IDs() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ids := make([]string, len(r.keys))
	for i, k := range r.keys {
		ids[i] = k.id
	}
	return ids
}

// Primary is the id of the key that seals.
func (r *Ring) Primary() string { return r.IDs()[0] }

// Sealed reports whether s is a sealed value (as opposed to a secret stored in clear by an
// older Kios).
func Sealed(s string) bool { return strings.HasPrefix(s, prefix) }

// KeyID is the id of the key that sealed s ("" when s is not sealed).
func KeyID(s string) string {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "$")
	return id
}

// Seal encrypts plain with the sealing key, bound to column (e.g. "resellers.api_key"). The
// empty string stays empty: "no secret" is not a secret.
func (r *Ring) Seal(plain, column string) (string, error) {
	if plain == "" {
		return "", nil
	}
	r.mu.RLock()
	k := r.keys[0]
	r.mu.RUnlock()
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plain)+k.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal %s: %w", column, err)
	}
	ct := k.aead.Seal(nonce, nonce, []byte(plain), []byte(column))
	return prefix + k.id + "$" + base64.RawURLEncoding.EncodeToString(ct), nil
}

func (r *Ring) find(id string) (key, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, k := range r.keys {
		if k.id == id {
			return k, true
		}
	}
	return key{}, false
}

// reload reads the key file again: a rotation run by another process (the CLI beside the
// server) put a new key first and re-sealed the rows with it.
func (r *Ring) reload() {
	if r.file == "" {
		return
	}
	raw, err := readFile(r.file)
	if err != nil {
		return
	}
	fresh, err := newRing(raw, r.source, r.file)
	if err != nil {
		return
	}
	r.mu.Lock()
	r.keys = fresh.keys
	r.mu.Unlock()
}

// Open decrypts a value of column. A value not sealed (stored in clear by an older Kios, before
// its rows were sealed at start) is returned as it is.
func (r *Ring) Open(s, column string) (string, error) {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return s, nil
	}
	id, body, ok := strings.Cut(rest, "$")
	if !ok {
		return "", fmt.Errorf("%s: %w", column, ErrCorrupt)
	}
	k, found := r.find(id)
	if !found {
		r.reload()
		if k, found = r.find(id); !found {
			return "", &UnknownKeyError{Column: column, ID: id, Have: r.IDs(), Source: r.source}
		}
	}
	ct, err := base64.RawURLEncoding.DecodeString(body)
	ns := k.aead.NonceSize()
	if err != nil || len(ct) < ns {
		return "", fmt.Errorf("%s (key %s): %w", column, id, ErrCorrupt)
	}
	plain, err := k.aead.Open(nil, ct[:ns], ct[ns:], []byte(column))
	if err != nil {
		return "", fmt.Errorf("%s (key %s): %w", column, id, ErrCorrupt)
	}
	return string(plain), nil
}

// UnknownKeyError is a value sealed with a key the ring lacks: the wrong key file or
// KIOS_SECRET_KEY, or a rotation whose new key this process was not given.
type UnknownKeyError struct {
	Column string
	ID     string   // the key the value names
	Have   []string // the keys the ring holds
	Source string
}

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("%s sealed with key %s, but %s holds key %s: wrong key file or %s (every node and command needs the same keys)",
		e.Column, e.ID, e.Source, strings.Join(e.Have, ", "), EnvKey)
}

func (e *UnknownKeyError) Unwrap() error { return ErrUnknownKey }
