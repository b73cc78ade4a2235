package core_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// TestAuthCacheSeesOtherProcesses: the server caches authenticated resellers, but a change made
// through another Service on the same database handle (as the admin listener does) applies to
// the server's very next lookup. TestAuthCacheSeesOtherHandles covers another process's.
func TestAuthCacheSeesOtherProcesses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		server := setup(t, be, 0)
		ctx := context.Background()
		cli, err := core.New(ctx, server.db, core.Config{Router: simroute.New(0), Logger: server.svc.Logger()})
		if err != nil {
			t.Fatal(err)
		}
		user, token := server.cr.Reseller.Username, server.cr.Token

		auth := func() *reseller.Reseller {
			t.Helper()
			r, err := server.svc.Authenticate(ctx, token)
			if err != nil {
				t.Fatalf("authenticate: %v", err)
			}
			return r
		}
		if r := auth(); r.Status != reseller.Active {
			t.Fatalf("status %s", r.Status)
		}
		auth() // now cached

		if err := cli.SetStatus(ctx, user, reseller.Suspended); err != nil {
			t.Fatal(err)
		}
		if r := auth(); r.Status != reseller.Suspended {
			t.Fatal("a suspension by another process was not seen by the next request")
		}
		if r, err := server.svc.Reseller(ctx, user); err != nil || r.Status != reseller.Suspended {
			t.Fatalf("by username: %v %v", r, err)
		}

		p := netip.MustParsePrefix("203.0.113.0/24")
		if err := cli.AllowIP(ctx, user, p); err != nil {
			t.Fatal(err)
		}
		if r := auth(); len(r.AllowIPs) != 1 || r.AllowIPs[0] != p {
			t.Fatalf("allowlist change not seen: %v", r.AllowIPs)
		}

		// What a caller does with its copy never reaches the cache.
		mine := auth()
		mine.Status, mine.AllowIPs[0] = reseller.Active, netip.MustParsePrefix("0.0.0.0/0")
		if r := auth(); r.Status != reseller.Suspended || r.AllowIPs[0] != p {
			t.Fatal("a caller's change leaked into the cache")
		}

		cr, err := cli.RotateToken(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := server.svc.Authenticate(ctx, token); !errors.Is(err, reseller.ErrNotFound) {
			t.Fatalf("old token after rotation by another process: %v", err)
		}
		if _, err := server.svc.Authenticate(ctx, cr.Token); err != nil {
			t.Fatalf("new token: %v", err)
		}
	})
}

// TestAuthCacheSeesOtherHandles: a change made through another handle on the database (the CLI,
// another node) applies once the epoch's age bound, a millisecond, has passed.
func TestAuthCacheSeesOtherHandles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		url := be.URL(t)
		server, err := core.New(ctx, storetest.OpenURL(t, url), core.Config{Router: simroute.New(0)})
		if err != nil {
			t.Fatal(err)
		}
		cli, err := core.New(ctx, storetest.OpenURL(t, url), core.Config{Router: simroute.New(0)})
		if err != nil {
			t.Fatal(err)
		}
		cr, err := server.CreateReseller(ctx, core.NewReseller{Name: "Shop"})
		if err != nil {
			t.Fatal(err)
		}
		if r, err := server.Authenticate(ctx, cr.Token); err != nil || r.Status != reseller.Active {
			t.Fatalf("authenticate: %v %v", r, err)
		}
		if err := cli.SetStatus(ctx, cr.Reseller.Username, reseller.Suspended); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * core.EpochMaxAge)
		if r, err := server.Authenticate(ctx, cr.Token); err != nil || r.Status != reseller.Suspended {
			t.Fatalf("a suspension by another process was not seen after the bound: %v %v", r, err)
		}
		rot, err := cli.RotateToken(ctx, cr.Reseller.Username)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * core.EpochMaxAge)
		if _, err := server.Authenticate(ctx, cr.Token); !errors.Is(err, reseller.ErrNotFound) {
			t.Fatalf("old token after rotation by another process: %v", err)
		}
		if _, err := server.Authenticate(ctx, rot.Token); err != nil {
			t.Fatalf("new token: %v", err)
		}
	})
}
