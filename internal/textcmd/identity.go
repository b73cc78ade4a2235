package textcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/textmsg"
	"golang.org/x/crypto/bcrypt"
)

// Errors of PINs and identities.
var (
	ErrPIN     = errors.New("a PIN is 4 to 8 digits")
	ErrChannel = errors.New("channel must be telegram, jabber or whatsapp")
	ErrID      = errors.New("identity id is empty or not valid for its channel")
	ErrNoBind  = errors.New("no such identity bound to that reseller")
)

// SetPIN sets a reseller's PIN (stored as a bcrypt hash).
func (e *Engine) SetPIN(ctx context.Context, username, pin string) error {
	if !validPIN(pin) {
		return ErrPIN
	}
	r, err := e.svc.Reseller(ctx, username)
	if err != nil {
		return err
	}
	return e.setPIN(ctx, r.ID, pin)
}

func (e *Engine) setPIN(ctx context.Context, resellerID int64, pin string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(pin), e.opts.PinCost)
	if err != nil {
		return fmt.Errorf("hash pin: %w", err)
	}
	return e.svc.SetTextPin(ctx, resellerID, string(hash))
}

// NormalizeID writes an identity's id the way its transport reports it: a Telegram user id is
// a number; a JID is bare (no resource) and lower case; a WhatsApp number is digits with the
// country code (08… becomes 628…, a leading + is dropped).
func NormalizeID(channel, id string) (string, error) {
	id = strings.TrimSpace(id)
	switch channel {
	case Telegram:
		n := strings.TrimPrefix(id, "-")
		if _, ok := digits(n, 19); !ok {
			return "", fmt.Errorf("%w: a Telegram id is a number (the user's id)", ErrID)
		}
		return id, nil
	case Jabber:
		bare, _, _ := strings.Cut(id, "/")
		bare = strings.ToLower(bare)
		local, domain, ok := strings.Cut(bare, "@")
		if !ok || local == "" || domain == "" || strings.ContainsAny(bare, " \t\r\n") || len(bare) > 200 {
			return "", fmt.Errorf("%w: a Jabber id is user@server", ErrID)
		}
		return bare, nil
	case WhatsApp:
		n := strings.TrimPrefix(strings.NewReplacer(" ", "", "-", "").Replace(id), "+")
		if strings.HasPrefix(n, "0") {
			n = "62" + n[1:]
		}
		if _, ok := digits(n, 15); !ok || len(n) < 8 {
			return "", fmt.Errorf("%w: a WhatsApp id is a phone number", ErrID)
		}
		return n, nil
	}
	return "", ErrChannel
}

// Bind binds an identity to a reseller; false when it was bound to it already.
// reseller.ErrIdentityTaken when another reseller has it.
func (e *Engine) Bind(ctx context.Context, username, channel, id string) (string, bool, error) {
	id, err := NormalizeID(channel, id)
	if err != nil {
		return "", false, err
	}
	r, err := e.svc.Reseller(ctx, username)
	if err != nil {
		return "", false, err
	}
	created, err := e.svc.BindTextIdentity(ctx, r.ID, channel, id)
	return id, created, err
}

// Unbind removes a reseller's identity (ErrNoBind when it has no such identity).
func (e *Engine) Unbind(ctx context.Context, username, channel, id string) (string, error) {
	id, err := NormalizeID(channel, id)
	if err != nil {
		return "", err
	}
	r, err := e.svc.Reseller(ctx, username)
	if err != nil {
		return "", err
	}
	return id, e.unbind(ctx, r, channel, id)
}

func (e *Engine) unbind(ctx context.Context, r *reseller.Reseller, channel, id string) error {
	gone, err := e.svc.UnbindTextIdentity(ctx, r.ID, channel, id)
	if err == nil && !gone {
		err = ErrNoBind
	}
	return err
}

// Identities lists a reseller's bound identities.
func (e *Engine) Identities(ctx context.Context, resellerID int64) ([]textmsg.Identity, error) {
	return e.svc.TextIdentities(ctx, resellerID)
}

// Bound reports whether an identity is bound to a reseller (a transport lets such a contact in).
func (e *Engine) Bound(ctx context.Context, channel, id string) bool {
	_, err := e.svc.TextIdentityByExt(ctx, channel, id)
	return err == nil
}
