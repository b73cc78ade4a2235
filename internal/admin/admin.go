// Package admin is what the people who run a distributor may do, and who they are: admin users
// with bcrypt passwords, browser sessions, API tokens for scripts, and every admin action written
// to the audit log with the target before and after. The HTTP side (JSON API and dashboard) is
// package web; the CLI calls CreateAdmin directly.
package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/operator"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/session"
)

// Options configure a Service.
type Options struct {
	// SessionTTL is how long a login lasts; 0 means 12 hours.
	SessionTTL time.Duration
	// BcryptCost is the password hashing cost; 0 means bcrypt.DefaultCost. Tests lower it.
	BcryptCost int
	// LoginBurst tries are allowed per client IP, per username from one IP, and per username
	// from IPs it never signed in from, before further tries are refused; they come back one per
	// LoginEvery. 0 means 5 and 30 s (package session).
	LoginBurst int
	LoginEvery time.Duration
}

// Service is the admin side of Kios, over the core.
type Service struct {
	svc  *core.Service
	opts Options
	// guard throttles logins and checks passwords, as the member area's does.
	guard *session.Guard
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
	return &Service{svc: svc, opts: opts, guard: session.NewGuard(session.Options{BcryptCost: opts.BcryptCost,
		LoginBurst: opts.LoginBurst, LoginEvery: opts.LoginEvery, Now: svc.Now})}
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
	if _, err := s.svc.AdminByUsername(ctx, username); err == nil {
		return "", fmt.Errorf("create admin %s: %w", username, operator.ErrTaken)
	}
	pw := newPassword()
	hash, err := s.guard.Hash(pw)
	if err != nil {
		return "", fmt.Errorf("create admin %s: %w", username, err)
	}
	_, err = s.svc.AddAdmin(ctx, operator.Admin{Username: username, PasswordHash: hash},
		audit.Entry{Actor: by.Name, IP: by.IP, Action: "admin.create", Target: "admin:" + username,
			After: jsonOf(map[string]any{"username": username})})
	if err != nil {
		return "", fmt.Errorf("create admin %s: %w", username, err)
	}
	return pw, nil
}

// ResetPassword gives an admin a new generated password, returned once, and ends its sessions.
func (s *Service) ResetPassword(ctx context.Context, by Actor, username string) (string, error) {
	u, err := s.svc.AdminByUsername(ctx, username)
	if err != nil {
		return "", err
	}
	pw := newPassword()
	hash, err := s.guard.Hash(pw)
	if err != nil {
		return "", fmt.Errorf("reset admin %s: %w", username, err)
	}
	err = s.svc.SetAdminPassword(ctx, u.ID, hash, audit.Entry{Actor: by.Name, IP: by.IP, Action: "admin.reset-password", Target: "admin:" + username})
	if err != nil {
		return "", fmt.Errorf("reset admin %s: %w", username, err)
	}
	return pw, nil
}

// ErrSelf refuses an admin's disabling itself: it would lock out the one who asked, and with it
// perhaps the last admin who can sign in.
var ErrSelf = errors.New("an admin cannot disable itself; ask another admin or use kios admin disable")

// SetDisabled disables an admin (its sessions end at once, its API tokens stop working) or
// enables it again, with the audit row in the same transaction. self is the acting admin's
// username, refused as a target of disable ("" from the CLI).
func (s *Service) SetDisabled(ctx context.Context, by Actor, self, username string, disabled bool) error {
	if disabled && self != "" && self == username {
		return ErrSelf
	}
	u, err := s.svc.AdminByUsername(ctx, username)
	if err != nil {
		return err
	}
	action := "admin.enable"
	if disabled {
		action = "admin.disable"
	}
	err = s.svc.SetAdminDisabled(ctx, u.ID, disabled, audit.Entry{Actor: by.Name, IP: by.IP, Action: action, Target: "admin:" + username,
		Before: jsonOf(map[string]bool{"disabled": u.Disabled}), After: jsonOf(map[string]bool{"disabled": disabled})})
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, username, err)
	}
	return nil
}

// Admins lists the admin users.
func (s *Service) Admins(ctx context.Context) ([]operator.Admin, error) { return s.svc.Admins(ctx) }

func newPassword() string { return session.NewPassword() }

// newSecret returns 32 random bytes as hex, for session ids and API tokens.
func newSecret() string { return reseller.NewSecret(32) }

func hashSecret(s string) string { return session.Hash(s) }

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
	err := s.svc.WriteAudit(ctx, audit.Entry{Actor: by.Name, IP: by.IP, Action: action, Target: target,
		Before: jsonOf(before), After: jsonOf(after)})
	if err != nil {
		// The change itself stands; losing its audit row is logged loudly rather than
		// reported as a failure of an action that happened.
		s.svc.Logger().Error("audit write failed", "action", action, "target", target, "actor", by.Name, "err", err)
	}
}

// Audit lists the audit log.
func (s *Service) Audit(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	return s.svc.AuditLog(ctx, f)
}

// ErrNotFound wraps the not-found errors of the things admins act on, so the HTTP side answers 404
// for all of them alike.
var ErrNotFound = errors.New("not found")

// Errors of the admin users, under the admin service's names (the store's errors).
var (
	ErrUserNotFound  = operator.ErrNotFound
	ErrUsernameTaken = operator.ErrTaken
)
