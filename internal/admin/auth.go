package admin

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/operator"
	"github.com/kios-h2h/kios/internal/session"
)

// Errors of authentication.
var (
	ErrBadLogin  = session.ErrBadLogin
	ErrThrottled = session.ErrThrottled
	ErrNoAuth    = errors.New("not authenticated")
)

// TokenPrefix starts every admin API token, so that one pasted in the wrong place is recognised
// (and a reseller token, which has none, is refused without a lookup).
const TokenPrefix = "kadm_"

// Identity is an authenticated admin.
type Identity struct {
	UserID   int64
	Username string
	// Token names the API token used; empty for a browser session.
	Token string
	// CSRF is the session's anti-forgery token; empty for API tokens, which need none because
	// browsers never send them on their own.
	CSRF string
}

// Actor is the identity as the audit log names it.
func (id *Identity) Actor(ip string) Actor {
	name := id.Username
	if id.Token != "" {
		name += "/" + id.Token
	}
	return Actor{Name: name, IP: ip}
}

// Login checks a username and password and opens a session, returning its id (to be set as a
// cookie; only its hash is stored). Logins are throttled by the shared session.Guard.
func (s *Service) Login(ctx context.Context, username, password, ip string) (string, *Identity, error) {
	return s.LoginWithCode(ctx, username, password, "", ip)
}

// LoginWithCode is Login for an admin who may have two-factor login on: code is the
// authenticator's six digits or a recovery code (session.ErrCodeNeeded when it is missing).
func (s *Service) LoginWithCode(ctx context.Context, username, password, code, ip string) (string, *Identity, error) {
	username = strings.TrimSpace(username)
	try, err := s.guard.Begin(username, ip)
	if err != nil {
		return "", nil, err
	}
	u, err := s.svc.AdminByUsername(ctx, username)
	if err != nil && !errors.Is(err, operator.ErrNotFound) {
		return "", nil, err
	}
	hash := ""
	if u != nil && !u.Disabled {
		hash = u.PasswordHash
	}
	if !s.guard.CheckPassword(hash, password) {
		return "", nil, ErrBadLogin
	}
	if err := s.svc.CheckSecondFactor(ctx, Subject(u.ID), code); err != nil {
		return "", nil, err
	}
	try.Succeeded()
	sid := session.NewID()
	expires := s.svc.Now().Add(s.opts.SessionTTL)
	err = s.svc.OpenAdminSession(ctx, session.Hash(sid), u.ID, expires,
		audit.Entry{Actor: u.Username, IP: ip, Action: "admin.login", Target: "admin:" + u.Username})
	if err != nil {
		return "", nil, fmt.Errorf("login %s: %w", username, err)
	}
	return sid, &Identity{UserID: u.ID, Username: u.Username, CSRF: session.CSRFToken(sid)}, nil
}

// Subject names an admin in the two-factor tables.
func Subject(userID int64) string { return fmt.Sprintf("admin:%d", userID) }

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, sid string) error {
	return s.svc.CloseAdminSession(ctx, session.Hash(sid))
}

// Session finds the admin of an unexpired session.
func (s *Service) Session(ctx context.Context, sid string) (*Identity, error) {
	if sid == "" {
		return nil, ErrNoAuth
	}
	u, err := s.svc.AdminSessionUser(ctx, session.Hash(sid))
	if errors.Is(err, operator.ErrNotFound) {
		return nil, ErrNoAuth
	}
	if err != nil {
		return nil, err
	}
	return &Identity{UserID: u.ID, Username: u.Username, CSRF: session.CSRFToken(sid)}, nil
}

// CheckCSRF compares a presented anti-forgery token with the identity's, in constant time.
func (id *Identity) CheckCSRF(presented string) bool {
	return session.CheckCSRF(id.CSRF, presented)
}

// TokenAuth finds the admin an API token belongs to.
func (s *Service) TokenAuth(ctx context.Context, token string) (*Identity, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return nil, ErrNoAuth
	}
	h := hashSecret(token)
	t, err := s.svc.AdminTokenByHash(ctx, h)
	if errors.Is(err, operator.ErrNotFound) {
		return nil, ErrNoAuth
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(h), []byte(t.TokenHash)) != 1 {
		return nil, ErrNoAuth
	}
	return &Identity{UserID: t.UserID, Username: t.Username, Token: t.Name}, nil
}

// CreateToken makes an API token for the acting admin; the token is returned once.
func (s *Service) CreateToken(ctx context.Context, by *Identity, ip, name string) (string, *operator.Token, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 {
		return "", nil, fieldErr("name", "is required (at most 64 characters)")
	}
	token := TokenPrefix + newSecret()
	t := &operator.Token{Name: name, TokenHash: hashSecret(token), UserID: by.UserID, Username: by.Username}
	err := s.svc.AddAdminToken(ctx, t, func(t *operator.Token) audit.Entry {
		a := by.Actor(ip)
		return audit.Entry{Actor: a.Name, IP: ip, Action: "admin.token-create",
			Target: fmt.Sprintf("token:%d", t.ID), After: jsonOf(map[string]any{"id": t.ID, "name": name, "owner": by.Username})}
	})
	if err != nil {
		return "", nil, fmt.Errorf("create token %s: %w", name, err)
	}
	return token, t, nil
}

// Tokens lists the API tokens (without secrets).
func (s *Service) Tokens(ctx context.Context) ([]operator.Token, error) {
	return s.svc.AdminTokens(ctx)
}

// RevokeToken deletes an API token.
func (s *Service) RevokeToken(ctx context.Context, by Actor, id int64) error {
	err := s.svc.RevokeAdminToken(ctx, id, audit.Entry{Actor: by.Name, IP: by.IP, Action: "admin.token-revoke", Target: fmt.Sprintf("token:%d", id)})
	if errors.Is(err, core.ErrNotFound) {
		err = fmt.Errorf("token %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	return nil
}

// SetFlash leaves a message of kind (session.FlashOK, FlashErr) for the next page the admin
// session sid sees.
func (s *Service) SetFlash(ctx context.Context, sid, kind, text string) error {
	return s.svc.SetFlash(ctx, session.RealmAdmin, sid, kind, text)
}

// TakeFlash returns the message left for the admin session sid, if any, and clears it.
func (s *Service) TakeFlash(ctx context.Context, sid string) (session.Flash, error) {
	return s.svc.TakeFlash(ctx, session.RealmAdmin, sid)
}
