package cli_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/session"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/totp"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// TestAdminReset2FA: an admin who lost its authenticator gets its two-factor login turned off from
// the command line, audited; an admin without one, or none at all, is an error.
func TestAdminReset2FA(t *testing.T) {
	t.Parallel()
	k := setup(t)
	k.ok("migrate", "up")
	ctx := context.Background()
	db := storetest.OpenURL(t, k.db)
	svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	as := admin.NewService(svc, admin.Options{BcryptCost: bcrypt.MinCost})
	pw, err := as.CreateAdmin(ctx, admin.Actor{Name: "t"}, "budi")
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.AdminUserByUsername(ctx, "budi")
	if err != nil {
		t.Fatal(err)
	}
	id := &admin.Identity{UserID: u.ID, Username: "budi"}
	secret, _, err := as.BeginTwoFactor(ctx, id, pw, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.Code(secret, totp.StepAt(time.Now()))
	if _, err := as.ConfirmTwoFactor(ctx, id, code, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if out := k.ok("admin", "reset-2fa", "budi"); !strings.Contains(out, "budi is off") && !strings.Contains(out, "of budi is off") {
		t.Errorf("reset-2fa said %q", out)
	}
	if on, err := session.TwoFactorOn(ctx, db, admin.Subject(u.ID)); err != nil || on {
		t.Fatalf("two-factor still on: %v %v", on, err)
	}
	if r := k.run("admin", "reset-2fa", "budi"); r.code != 1 || !strings.Contains(r.stderr, "no two-factor login on") {
		t.Errorf("reset-2fa again: exit %d, %q", r.code, r.stderr)
	}
	if r := k.run("admin", "reset-2fa", "nobody"); r.code != 1 {
		t.Errorf("reset-2fa of no admin: exit %d, %q", r.code, r.stderr)
	}
	entries, err := db.AuditList(ctx, store.AuditFilter{Action: "admin.2fa-reset"})
	if err != nil || len(entries) != 1 || !strings.HasPrefix(entries[0].Actor, "cli:") || entries[0].Target != "admin:budi" {
		t.Errorf("audit: %+v %v", entries, err)
	}
}
