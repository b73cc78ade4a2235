package admin

import (
	"context"
	"errors"
	"fmt"

	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/operator"
	"github.com/kios-h2h/kios/internal/session"
)

// Two-factor login for admins: the same TOTP and recovery codes as the member area (package
// session), with the password asked again before turning it on or off, and both audited.

// ErrPasswordAgain: the password given again to change two-factor login was wrong.
var ErrPasswordAgain = errors.New("wrong password: enter your current password again")

// TwoFactorState is an admin's two-factor login.
type TwoFactorState struct {
	Enabled bool `json:"enabled"`
	// Pending: a secret was made (enrol) and waits for its first code (confirm).
	Pending           bool `json:"pending"`
	RecoveryCodesLeft int  `json:"recovery_codes_left"`
}

// TwoFactor reports the acting admin's two-factor login.
func (s *Service) TwoFactor(ctx context.Context, id *Identity) (TwoFactorState, error) {
	subject := Subject(id.UserID)
	var st TwoFactorState
	var err error
	if st.Enabled, err = s.svc.TwoFactorOn(ctx, subject); err != nil {
		return st, err
	}
	pending, err := s.svc.PendingSecret(ctx, subject)
	if err != nil {
		return st, err
	}
	st.Pending = pending != ""
	if st.Enabled {
		st.RecoveryCodesLeft, err = s.svc.RecoveryCodesLeft(ctx, subject)
	}
	return st, err
}

// PendingTwoFactor is the secret waiting for its first code, with its otpauth:// URI ("" when none).
func (s *Service) PendingTwoFactor(ctx context.Context, id *Identity) (secret, uri string, err error) {
	secret, err = s.svc.PendingSecret(ctx, Subject(id.UserID))
	if err != nil || secret == "" {
		return "", "", err
	}
	return secret, otpURI(id, secret), nil
}

func otpURI(id *Identity, secret string) string {
	return session.TwoFactorURI("Kios admin", id.Username, secret)
}

// passwordAgain checks the acting admin's password, throttled as a login is.
func (s *Service) passwordAgain(ctx context.Context, id *Identity, password, ip string) error {
	try, err := s.guard.Begin(id.Username, ip)
	if err != nil {
		return err
	}
	u, err := s.svc.AdminByUsername(ctx, id.Username)
	if err != nil && !errors.Is(err, operator.ErrNotFound) {
		return err
	}
	hash := ""
	if u != nil && !u.Disabled && u.ID == id.UserID {
		hash = u.PasswordHash
	}
	if !s.guard.CheckPassword(hash, password) {
		return ErrPasswordAgain
	}
	try.Succeeded()
	return nil
}

// BeginTwoFactor makes a new secret for the acting admin, pending until ConfirmTwoFactor, after
// the password is given again. It returns the secret and the otpauth:// URI for the
// authenticator app. With two-factor login on already it fails (core.ErrTOTPEnabled).
func (s *Service) BeginTwoFactor(ctx context.Context, id *Identity, password, ip string) (secret, uri string, err error) {
	if err := s.passwordAgain(ctx, id, password, ip); err != nil {
		return "", "", err
	}
	secret, _, err = s.svc.BeginTwoFactor(ctx, Subject(id.UserID), "Kios admin", id.Username)
	if err != nil {
		return "", "", err
	}
	return secret, otpURI(id, secret), nil
}

// ConfirmTwoFactor turns two-factor login on with the first code from the app, and returns the
// recovery codes, shown once. The audit row commits with the change.
func (s *Service) ConfirmTwoFactor(ctx context.Context, id *Identity, code, ip string) ([]string, error) {
	a := id.Actor(ip)
	ctx = audit.With(ctx, audit.Entry{Actor: a.Name, IP: ip, Action: "admin.2fa-enable", Target: "admin:" + id.Username})
	return s.svc.ConfirmTwoFactor(ctx, Subject(id.UserID), code)
}

// DisableTwoFactor turns two-factor login off. It asks for the password and a current code (or
// a recovery code): a session left open on a shared computer cannot take the second factor away.
func (s *Service) DisableTwoFactor(ctx context.Context, id *Identity, password, code, ip string) error {
	if err := s.passwordAgain(ctx, id, password, ip); err != nil {
		return err
	}
	subject := Subject(id.UserID)
	on, err := s.svc.TwoFactorOn(ctx, subject)
	if err != nil {
		return err
	}
	if !on {
		return fmt.Errorf("two-factor login is not on: %w", ErrNotFound)
	}
	if err := s.svc.CheckSecondFactor(audit.Without(ctx), subject, code); err != nil {
		return err
	}
	a := id.Actor(ip)
	ctx = audit.With(ctx, audit.Entry{Actor: a.Name, IP: ip, Action: "admin.2fa-disable", Target: "admin:" + id.Username})
	return s.svc.DisableTwoFactor(ctx, subject)
}

// ResetTwoFactor turns another admin's two-factor login off, for one who lost the authenticator
// and the recovery codes (`kios admin reset-2fa`). Audited as admin.2fa-reset in the same
// transaction.
func (s *Service) ResetTwoFactor(ctx context.Context, by Actor, username string) error {
	u, err := s.svc.AdminByUsername(ctx, username)
	if err != nil {
		return fmt.Errorf("admin %s: %w", username, err)
	}
	on, err := s.svc.TwoFactorOn(ctx, Subject(u.ID))
	if err != nil {
		return err
	}
	if !on {
		return fmt.Errorf("admin %s has no two-factor login on: %w", username, ErrNotFound)
	}
	ctx = audit.With(ctx, audit.Entry{Actor: by.Name, IP: by.IP, Action: "admin.2fa-reset", Target: "admin:" + username})
	return s.svc.DisableTwoFactor(ctx, Subject(u.ID))
}
