// Package admin is what the people who run a distributor may do, and who they are: admin users
// with bcrypt passwords, browser sessions, API tokens for scripts, and every admin action written
// to the audit log with the target before and after. The HTTP side (JSON API and dashboard) is
// package web; the CLI calls CreateAdmin directly.
package admin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

// Options configure a Service.
type Options struct {
	// SessionTTL is how long a login lasts; 0 means 12 hours.
	SessionTTL time.Duration
	// BcryptCost is the password hashing cost; 0 means bcrypt.DefaultCost. Tests lower it.
	BcryptCost int
	// LoginBurst failed logins are allowed per username and per client IP before further tries
	// are refused; they come back one per LoginEvery. 0 means 5 and 30 s.
	LoginBurst int
	LoginEvery time.Duration
}

// Service is the admin side of Kios, over the core.
type Service struct {
	svc  *core.Service
	db   *store.DB
	opts Options
	// dummyHash is compared against when a username is unknown, so that a login takes as long
	// whether or not the user exists. Made on first use: the CLI never logs in.
	dummyOnce sync.Once
	dummyHash []byte

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	swept    time.Time
}

// NewService returns the admin service over svc.
func NewService(svc *core.Service, opts Options) *Service {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.BcryptCost == 0 {
		opts.BcryptCost = bcrypt.DefaultCost
	}
	if opts.LoginBurst <= 0 {
		opts.LoginBurst = 5
	}
	if opts.LoginEvery <= 0 {
		opts.LoginEvery = 30 * time.Second
	}
	return &Service{svc: svc, db: svc.DB(), opts: opts, limiters: map[string]*rate.Limiter{}}
}

func (s *Service) dummy() []byte {
	s.dummyOnce.Do(func() {
		h, err := bcrypt.GenerateFromPassword([]byte(newPassword()), s.opts.BcryptCost)
		if err != nil {
			panic("bcrypt: " + err.Error()) // only for a cost out of range, a programming error
		}
		s.dummyHash = h
	})
	return s.dummyHash
}

// Core is the service the admin acts on.
func (s *Service) Core() *core.Service { return s.svc }

// Actor is who does an admin action, for the audit log.
type Actor struct {
	Name string // admin username, or "username/token-name" for an API token, or "cli"
	IP   string
}

// CreateAdmin creates an admin with a generated password, returned once and never stored in the
// clear. It is what `kios admin create` and `serve --demo` call.
func CreateAdmin(ctx context.Context, svc *core.Service, username string) (string, error) {
	return NewService(svc, Options{}).CreateAdmin(ctx, Actor{Name: "cli"}, username)
}

// ResetPassword gives an existing admin a new generated password and ends its sessions.
func ResetPassword(ctx context.Context, svc *core.Service, username string) (string, error) {
	return NewService(svc, Options{}).ResetPassword(ctx, Actor{Name: "cli"}, username)
}

// CreateAdmin creates an admin with a generated password, returned once.
func (s *Service) CreateAdmin(ctx context.Context, by Actor, username string) (string, error) {
	username = strings.TrimSpace(username)
	if err := reseller.ValidateUsername(username); err != nil {
		return "", &core.FieldError{Field: "username", Reason: strings.TrimPrefix(err.Error(), "username ")}
	}
	// Checked first only to spare a slow hash; the insert is what guards against a race.
	if _, err := s.db.AdminUserByUsername(ctx, username); err == nil {
		return "", fmt.Errorf("create admin %s: %w", username, store.ErrAdminTaken)
	}
	pw := newPassword()
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), s.opts.BcryptCost)
	if err != nil {
		return "", fmt.Errorf("create admin %s: %w", username, err)
	}
	err = s.db.Batch(ctx, func(tx *store.Tx) error {
		u := &store.AdminUser{Username: username, PasswordHash: string(hash)}
		if err := tx.AdminUserInsert(ctx, u); err != nil {
			return err
		}
		return tx.AuditInsert(ctx, &store.AuditEntry{Actor: by.Name, IP: by.IP, Action: "admin.create", Target: "admin:" + username,
			After: jsonOf(map[string]any{"username": username})})
	})
	if err != nil {
		return "", fmt.Errorf("create admin %s: %w", username, err)
	}
	return pw, nil
}

// ResetPassword gives an admin a new generated password, returned once, and ends its sessions.
func (s *Service) ResetPassword(ctx context.Context, by Actor, username string) (string, error) {
	u, err := s.db.AdminUserByUsername(ctx, username)
	if err != nil {
		return "", err
	}
	pw := newPassword()
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), s.opts.BcryptCost)
	if err != nil {
		return "", fmt.Errorf("reset admin %s: %w", username, err)
	}
	err = s.db.Batch(ctx, func(tx *store.Tx) error {
		if err := tx.AdminUserSetPassword(ctx, u.ID, string(hash)); err != nil {
			return err
		}
		return tx.AuditInsert(ctx, &store.AuditEntry{Actor: by.Name, IP: by.IP, Action: "admin.reset-password", Target: "admin:" + username})
	})
	if err != nil {
		return "", fmt.Errorf("reset admin %s: %w", username, err)
	}
	return pw, nil
}

// Admins lists the admin users.
func (s *Service) Admins(ctx context.Context) ([]store.AdminUser, error) { return s.db.AdminUsers(ctx) }

// passwordAlphabet leaves out characters that are easily misread (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newPassword returns 20 characters from passwordAlphabet: about 116 bits.
func newPassword() string {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	out := make([]byte, len(b))
	for i, c := range b {
		// 256 is not a multiple of 56, so the first 32 letters are very slightly more likely;
		// at 20 characters the loss is under half a bit.
		out[i] = passwordAlphabet[int(c)%len(passwordAlphabet)]
	}
	return string(out)
}

// newSecret returns 32 random bytes as hex, for session ids and API tokens.
func newSecret() string { return reseller.NewSecret(32) }

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func jsonOf(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", err.Error())
	}
	return string(b)
}

// Record writes an audit row for an action done elsewhere (e.g. a deposit ticket approved by the
// core), with before and after marshalled to JSON. A failure is logged, not returned: the action
// itself has happened.
func (s *Service) Record(ctx context.Context, by Actor, action, target string, before, after any) {
	s.audit(ctx, by, action, target, before, after)
}

// audit records an action whose change was committed by a core method in a transaction of its
// own. Where the change is made here, the audit row goes in the same transaction instead.
func (s *Service) audit(ctx context.Context, by Actor, action, target string, before, after any) {
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		return tx.AuditInsert(ctx, &store.AuditEntry{Actor: by.Name, IP: by.IP, Action: action, Target: target,
			Before: jsonOf(before), After: jsonOf(after)})
	})
	if err != nil {
		// The change itself stands; losing its audit row is logged loudly rather than
		// reported as a failure of an action that happened.
		s.svc.Logger().Error("audit write failed", "action", action, "target", target, "actor", by.Name, "err", err)
	}
}

// Audit lists the audit log.
func (s *Service) Audit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error) {
	return s.db.AuditList(ctx, f)
}

// ErrNotFound wraps the not-found errors of the things admins act on, so the HTTP side answers 404
// for all of them alike.
var ErrNotFound = errors.New("not found")
