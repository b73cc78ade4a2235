package admin

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"

	"github.com/kios-h2h/kios/internal/store"
)

// Errors of authentication.
var (
	ErrBadLogin  = errors.New("wrong username or password")
	ErrThrottled = errors.New("too many failed logins; wait and try again")
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
// cookie; only its hash is stored). Failed logins are limited per username and per client IP.
func (s *Service) Login(ctx context.Context, username, password, ip string) (string, *Identity, error) {
	username = strings.TrimSpace(username)
	keys := []string{"u:" + strings.ToLower(username), "ip:" + ip}
	if !s.loginAllowed(keys) {
		return "", nil, ErrThrottled
	}
	u, err := s.db.AdminUserByUsername(ctx, username)
	if err != nil && !errors.Is(err, store.ErrAdminNotFound) {
		return "", nil, err
	}
	hash := s.dummy()
	if u != nil {
		hash = []byte(u.PasswordHash)
	}
	// bcrypt compares in constant time, and an unknown user costs one comparison too.
	match := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	if u == nil || u.Disabled || !match {
		s.loginFailed(keys)
		return "", nil, ErrBadLogin
	}
	sid := newSecret()
	expires := s.svc.Now().Add(s.opts.SessionTTL)
	err = s.db.Batch(ctx, func(tx *store.Tx) error {
		if err := tx.AdminSessionInsert(ctx, hashSecret(sid), u.ID, expires); err != nil {
			return err
		}
		return tx.AuditInsert(ctx, &store.AuditEntry{Actor: u.Username, IP: ip, Action: "admin.login", Target: "admin:" + u.Username})
	})
	if err != nil {
		return "", nil, fmt.Errorf("login %s: %w", username, err)
	}
	return sid, &Identity{UserID: u.ID, Username: u.Username, CSRF: csrfToken(sid)}, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, sid string) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.AdminSessionDelete(ctx, hashSecret(sid)) })
}

// Session finds the admin of an unexpired session.
func (s *Service) Session(ctx context.Context, sid string) (*Identity, error) {
	if sid == "" {
		return nil, ErrNoAuth
	}
	u, err := s.db.AdminSessionUser(ctx, hashSecret(sid))
	if errors.Is(err, store.ErrAdminNotFound) {
		return nil, ErrNoAuth
	}
	if err != nil {
		return nil, err
	}
	return &Identity{UserID: u.ID, Username: u.Username, CSRF: csrfToken(sid)}, nil
}

// csrfToken derives a session's anti-forgery token from its id. The database holds only a
// different hash of the id, so neither can be computed from what is stored, and no extra
// column or state is needed.
func csrfToken(sid string) string { return hashSecret("kios-csrf\x00" + sid) }

// CheckCSRF compares a presented anti-forgery token with the identity's, in constant time.
func (id *Identity) CheckCSRF(presented string) bool {
	return id.CSRF != "" && subtle.ConstantTimeCompare([]byte(presented), []byte(id.CSRF)) == 1
}

// TokenAuth finds the admin an API token belongs to.
func (s *Service) TokenAuth(ctx context.Context, token string) (*Identity, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return nil, ErrNoAuth
	}
	h := hashSecret(token)
	t, err := s.db.AdminTokenByHash(ctx, h)
	if errors.Is(err, store.ErrAdminNotFound) {
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
func (s *Service) CreateToken(ctx context.Context, by *Identity, ip, name string) (string, *store.AdminToken, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 {
		return "", nil, fieldErr("name", "is required (at most 64 characters)")
	}
	token := TokenPrefix + newSecret()
	t := &store.AdminToken{Name: name, TokenHash: hashSecret(token), UserID: by.UserID, Username: by.Username}
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		if err := tx.AdminTokenInsert(ctx, t); err != nil {
			return err
		}
		a := by.Actor(ip)
		return tx.AuditInsert(ctx, &store.AuditEntry{Actor: a.Name, IP: ip, Action: "admin.token-create",
			Target: fmt.Sprintf("token:%d", t.ID), After: jsonOf(map[string]any{"id": t.ID, "name": name, "owner": by.Username})})
	})
	if err != nil {
		return "", nil, fmt.Errorf("create token %s: %w", name, err)
	}
	return token, t, nil
}

// Tokens lists the API tokens (without secrets).
func (s *Service) Tokens(ctx context.Context) ([]store.AdminToken, error) {
	return s.db.AdminTokens(ctx)
}

// RevokeToken deletes an API token.
func (s *Service) RevokeToken(ctx context.Context, by Actor, id int64) error {
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		ok, err := tx.AdminTokenDelete(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("token %d: %w", id, ErrNotFound)
		}
		return tx.AuditInsert(ctx, &store.AuditEntry{Actor: by.Name, IP: by.IP, Action: "admin.token-revoke", Target: fmt.Sprintf("token:%d", id)})
	})
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	return nil
}

func (s *Service) loginAllowed(keys []string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for _, k := range keys {
		if l, ok := s.limiters[k]; ok && l.TokensAt(now) < 1 {
			return false
		}
	}
	return true
}

func (s *Service) loginFailed(keys []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	// Forget limiters that have refilled: they hold nothing a fresh one would not.
	if now.Sub(s.swept) > time.Minute {
		for k, l := range s.limiters {
			if l.TokensAt(now) >= float64(s.opts.LoginBurst) {
				delete(s.limiters, k)
			}
		}
		s.swept = now
	}
	for _, k := range keys {
		l, ok := s.limiters[k]
		if !ok {
			l = rate.NewLimiter(rate.Every(s.opts.LoginEvery), s.opts.LoginBurst)
			s.limiters[k] = l
		}
		l.AllowN(now, 1)
	}
}
