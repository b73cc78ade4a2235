package session

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/totp"
)

// Two-factor login: after the password, a six-digit code from an authenticator app (TOTP), or
// one of ten single-use recovery codes. Subjects are "admin:ID" and "reseller:ID".

// Errors of two-factor login.
var (
	// ErrTOTPEnabled: two-factor login is on already (turn it off before setting it up again).
	ErrTOTPEnabled = store.ErrTOTPEnabled
	ErrCodeNeeded  = errors.New("enter the 6-digit code from your authenticator app (or a recovery code)")
	ErrBadCode     = errors.New("wrong or used code")
)

// RecoveryCodes is how many recovery codes a subject gets.
const RecoveryCodes = 10

// TwoFactorOn reports whether subject has two-factor login on.
func TwoFactorOn(ctx context.Context, db *store.DB, subject string) (bool, error) {
	t, err := db.TOTPGet(ctx, subject)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return t.Enabled, nil
}

// BeginTwoFactor makes a new secret for subject, pending until ConfirmTwoFactor. It returns the
// secret and the otpauth:// URI to give the authenticator app.
func BeginTwoFactor(ctx context.Context, db *store.DB, subject, issuer, account string) (string, string, error) {
	secret := totp.NewSecret()
	if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.TOTPPut(ctx, subject, secret) }); err != nil {
		return "", "", fmt.Errorf("two-factor for %s: %w", subject, err)
	}
	return secret, totp.URI(issuer, account, secret), nil
}

// TwoFactorURI is the otpauth:// URI of a secret, for the authenticator app (as a QR code, or
// the secret typed).
func TwoFactorURI(issuer, account, secret string) string { return totp.URI(issuer, account, secret) }

// TwoFactorQR is the otpauth:// URI as a QR code, a PNG image as a data: URL (for an <img>; the
// pages' Content-Security-Policy allows data: images), which the authenticator app scans.
func TwoFactorQR(uri string) (template.URL, error) {
	png, err := qrcode.Encode(uri, qrcode.Medium, 256)
	if err != nil {
		return "", fmt.Errorf("two-factor QR code: %w", err)
	}
	// A data: URL of a PNG made here from a URI made here: safe to put in src.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), nil
}

// PendingSecret is the secret waiting for its first code ("" when none is).
func PendingSecret(ctx context.Context, db *store.DB, subject string) (string, error) {
	t, err := db.TOTPGet(ctx, subject)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil || t.Enabled {
		return "", err
	}
	return t.Secret, nil
}

// ConfirmTwoFactor turns two-factor login on with the first code of the pending secret, and
// returns the recovery codes, shown once.
func ConfirmTwoFactor(ctx context.Context, db *store.DB, subject, code string, now time.Time) ([]string, error) {
	t, err := db.TOTPGet(ctx, subject)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrBadCode
	}
	if err != nil {
		return nil, err
	}
	if t.Enabled {
		return nil, store.ErrTOTPEnabled
	}
	step, ok := totp.Verify(t.Secret, code, now)
	if !ok {
		return nil, ErrBadCode
	}
	codes := make([]string, RecoveryCodes)
	hashes := make([]string, RecoveryCodes)
	for i := range codes {
		c := reseller.NewSecret(5) // 10 hex characters, 40 bits, single use
		codes[i] = c[:5] + "-" + c[5:]
		hashes[i] = Hash(c)
	}
	err = db.Batch(ctx, func(tx *store.Tx) error {
		used, err := tx.TOTPUseStep(ctx, subject, step)
		if err != nil {
			return err
		}
		if !used {
			return ErrBadCode
		}
		return tx.RecoveryCodesSet(ctx, subject, hashes)
	})
	if err != nil {
		return nil, fmt.Errorf("two-factor for %s: %w", subject, err)
	}
	return codes, nil
}

// DisableTwoFactor turns two-factor login off.
func DisableTwoFactor(ctx context.Context, db *store.DB, subject string) error {
	return db.Batch(ctx, func(tx *store.Tx) error { return tx.TOTPDelete(ctx, subject) })
}

// RecoveryCodesLeft counts subject's unused recovery codes.
func RecoveryCodesLeft(ctx context.Context, db *store.DB, subject string) (int, error) {
	return db.RecoveryCodesLeft(ctx, subject)
}

// CheckSecondFactor checks the code of a login whose password was right. Without two-factor
// login on, any code passes. A TOTP code is accepted once (a replayed one is refused); a recovery
// code is spent. It returns ErrCodeNeeded for an empty code and ErrBadCode for a wrong one.
func CheckSecondFactor(ctx context.Context, db *store.DB, subject, code string, now time.Time) error {
	t, err := db.TOTPGet(ctx, subject)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !t.Enabled {
		return nil
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return ErrCodeNeeded
	}
	ok := false
	if step, match := totp.Verify(t.Secret, code, now); match {
		err = db.Batch(ctx, func(tx *store.Tx) error {
			ok, err = tx.TOTPUseStep(ctx, subject, step)
			return err
		})
	} else {
		h := Hash(strings.ToLower(strings.ReplaceAll(code, "-", "")))
		err = db.Batch(ctx, func(tx *store.Tx) error {
			ok, err = tx.RecoveryCodeUse(ctx, subject, h)
			return err
		})
	}
	if err != nil {
		return err
	}
	if !ok {
		return ErrBadCode
	}
	return nil
}
