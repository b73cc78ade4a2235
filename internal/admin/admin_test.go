package admin_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

func setup(t *testing.T) *core.Service {
	t.Helper()
	db := storetest.Backends()[0].Open(t)
	svc, err := core.New(context.Background(), db, core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// TestCreateAdmin is what `kios admin create` and `serve --demo` do.
func TestCreateAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := setup(t)
	pw, err := admin.CreateAdmin(ctx, svc, "admin")
	if err != nil || len(pw) != 20 {
		t.Fatalf("create: %v %q", err, pw)
	}
	if _, err := admin.CreateAdmin(ctx, svc, "admin"); !errors.Is(err, store.ErrAdminTaken) {
		t.Fatalf("second create: %v", err)
	}
	if _, err := admin.CreateAdmin(ctx, svc, "No Spaces"); err == nil {
		t.Fatal("invalid username accepted")
	}
	u, err := svc.AdminByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(pw)) != nil || u.PasswordHash == pw {
		t.Fatal("stored hash does not match the password, or the password is stored in the clear")
	}
	as := admin.NewService(svc, admin.Options{BcryptCost: bcrypt.MinCost})
	sid, id, err := as.Login(ctx, "admin", pw, "127.0.0.1")
	if err != nil || id.Username != "admin" || id.CSRF == "" {
		t.Fatalf("login: %v %+v", err, id)
	}
	// A new password ends the old sessions.
	pw2, err := as.ResetPassword(ctx, admin.Actor{Name: "t"}, "admin")
	if err != nil || pw2 == pw {
		t.Fatalf("reset: %v", err)
	}
	if _, err := as.Session(ctx, sid); !errors.Is(err, admin.ErrNoAuth) {
		t.Fatalf("session after reset: %v", err)
	}
	if _, _, err := as.Login(ctx, "admin", pw, "127.0.0.1"); !errors.Is(err, admin.ErrBadLogin) {
		t.Fatalf("old password: %v", err)
	}
	if _, _, err := as.Login(ctx, "admin", pw2, "127.0.0.1"); err != nil {
		t.Fatalf("new password: %v", err)
	}
	entries, _ := svc.AuditLog(ctx, audit.Filter{Target: "admin:admin"})
	if len(entries) != 4 { // create, login, reset-password, login
		t.Fatalf("audit %+v", entries)
	}
}

func TestLoginLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := setup(t)
	as := admin.NewService(svc, admin.Options{BcryptCost: bcrypt.MinCost, LoginBurst: 3, LoginEvery: time.Hour})
	a, _ := as.CreateAdmin(ctx, admin.Actor{Name: "t"}, "alice")
	b, _ := as.CreateAdmin(ctx, admin.Actor{Name: "t"}, "bob")
	// One address guessing at many names is stopped, even for a right password afterwards.
	for _, u := range []string{"x1", "x2", "x3"} {
		if _, _, err := as.Login(ctx, u, "guess", "198.51.100.1"); !errors.Is(err, admin.ErrBadLogin) {
			t.Fatalf("guess %s: %v", u, err)
		}
	}
	if _, _, err := as.Login(ctx, "alice", a, "198.51.100.1"); !errors.Is(err, admin.ErrThrottled) {
		t.Fatalf("throttled address: %v", err)
	}
	// Many addresses guessing at one name lock that name, not the others.
	for i, ip := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"} {
		if _, _, err := as.Login(ctx, "bob", "guess", ip); !errors.Is(err, admin.ErrBadLogin) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if _, _, err := as.Login(ctx, "bob", b, "192.0.2.50"); !errors.Is(err, admin.ErrThrottled) {
		t.Fatalf("throttled name: %v", err)
	}
	if _, _, err := as.Login(ctx, "alice", a, "192.0.2.50"); err != nil {
		t.Fatalf("another admin from a clean address: %v", err)
	}
}

func TestTokensAndCSRF(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := setup(t)
	as := admin.NewService(svc, admin.Options{BcryptCost: bcrypt.MinCost})
	pw, _ := as.CreateAdmin(ctx, admin.Actor{Name: "t"}, "alice")
	sid1, id1, _ := as.Login(ctx, "alice", pw, "127.0.0.1")
	_, id2, _ := as.Login(ctx, "alice", pw, "127.0.0.1")
	if id1.CSRF == id2.CSRF || !id1.CheckCSRF(id1.CSRF) || id1.CheckCSRF(id2.CSRF) || id1.CheckCSRF("") {
		t.Fatal("CSRF tokens must be per session and checked exactly")
	}
	again, err := as.Session(ctx, sid1)
	if err != nil || again.CSRF != id1.CSRF {
		t.Fatalf("session lookup: %v", err)
	}
	tok, rec, err := as.CreateToken(ctx, id1, "127.0.0.1", "cron")
	if err != nil || rec.TokenHash == tok {
		t.Fatalf("token: %v", err)
	}
	id, err := as.TokenAuth(ctx, tok)
	if err != nil || id.Username != "alice" || id.Token != "cron" || id.CSRF != "" || id.Actor("").Name != "alice/cron" {
		t.Fatalf("token auth: %v %+v", err, id)
	}
	// A reseller token (no prefix), a prefixed stranger, and the stored hash itself get nothing.
	cr, _ := svc.CreateReseller(ctx, core.NewReseller{Name: "Shop"})
	for _, bad := range []string{cr.Token, admin.TokenPrefix + cr.Token, rec.TokenHash, ""} {
		if _, err := as.TokenAuth(ctx, bad); !errors.Is(err, admin.ErrNoAuth) {
			t.Fatalf("token %q: %v", bad, err)
		}
	}
	if err := as.RevokeToken(ctx, admin.Actor{Name: "alice"}, rec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := as.TokenAuth(ctx, tok); !errors.Is(err, admin.ErrNoAuth) {
		t.Fatalf("revoked token: %v", err)
	}
}
