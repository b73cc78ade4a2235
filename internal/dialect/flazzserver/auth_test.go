package flazzserver_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// TestAuthOrder: a request that fails every check is refused by the first check of the order it
// is given, so each dialect's order is what its clients see.
func TestAuthOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, err := core.New(ctx, storetest.Backends()[0].Open(t), core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Username: "faraway", Name: "Far Away",
		AllowIPs: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SetStatus(ctx, "faraway", reseller.Suspended); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/", nil) // from 192.0.2.1, not on the allowlist
	for _, order := range [][4]flazzserver.Check{
		{flazzserver.Active, flazzserver.IP, flazzserver.Sign, flazzserver.Rate},
		{flazzserver.Sign, flazzserver.IP, flazzserver.Active, flazzserver.Rate},
		{flazzserver.IP, flazzserver.Sign, flazzserver.Active, flazzserver.Rate},
	} {
		a := flazzserver.Auth{Svc: svc, Guard: access.New(access.Policy{}), Order: order}
		res, f, err := a.Authenticate(ctx, r, "faraway", "bad", "depo")
		if err != nil || res != nil || f == nil || f.Check != order[0] {
			t.Errorf("order %v: %v %+v %v", order, res, f, err)
		}
	}
	a := flazzserver.Auth{Svc: svc, Guard: access.New(access.Policy{}), Order: [4]flazzserver.Check{flazzserver.Sign, flazzserver.IP, flazzserver.Active, flazzserver.Rate}}
	if _, f, err := a.Authenticate(ctx, r, "nobody", "x", "depo"); err != nil || f == nil || f.Check != 0 || f.RC() != flazz.RCSign {
		t.Errorf("unknown username: %+v %v", f, err)
	}
	// A right sign passes the sign check and meets the next one.
	if _, f, err := a.Authenticate(ctx, r, "faraway", flazz.Sign("faraway", cr.APIKey, "depo"), "depo"); err != nil || f == nil || f.Check != flazzserver.IP || f.RC() != flazz.RCSign || f.IP.String() != "192.0.2.1" {
		t.Errorf("right sign: %+v %v", f, err)
	}
}

// TestDenialsLookAlikeAndAreLimited: an unknown username, a wrong sign and a wrong IP get one
// answer; each is logged at info with the source address and counted against it, and an
// address that has collected too many is answered "too fast" even with a right sign.
func TestDenialsLookAlikeAndAreLimited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var logs strings.Builder
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))
	svc, err := core.New(ctx, storetest.Backends()[0].Open(t), core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	near, err := svc.CreateReseller(ctx, core.NewReseller{Username: "near", Name: "Near", AllowIPs: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}})
	if err != nil {
		t.Fatal(err)
	}
	far, err := svc.CreateReseller(ctx, core.NewReseller{Username: "far", Name: "Far", AllowIPs: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}})
	if err != nil {
		t.Fatal(err)
	}
	order := [4]flazzserver.Check{flazzserver.Sign, flazzserver.IP, flazzserver.Active, flazzserver.Rate}
	a := flazzserver.Auth{Svc: svc, Guard: access.New(access.Policy{RefusalRate: 0.001, RefusalBurst: 3}), Order: order, Log: log}
	r := httptest.NewRequest(http.MethodPost, "/v1/cek-saldo", nil)
	r.RemoteAddr = "192.0.2.1:4000"
	for _, c := range []struct{ user, sign string }{
		{"nobody", flazz.Sign("nobody", near.APIKey, "depo")}, // unknown username
		{"near", flazz.Sign("near", "wrong-key", "depo")},     // wrong sign
		{"far", flazz.Sign("far", far.APIKey, "depo")},        // right sign, wrong IP
	} {
		_, f, err := a.Authenticate(ctx, r, c.user, c.sign, "depo")
		if err != nil || f == nil || !f.Denied() || f.RC() != flazz.RCSign {
			t.Fatalf("%s: %+v %v", c.user, f, err)
		}
	}
	// Three denials used the burst: now even the right sign is told to slow down.
	if res, f, err := a.Authenticate(ctx, r, "near", flazz.Sign("near", near.APIKey, "depo"), "depo"); err != nil || res != nil || f == nil || f.RC() != flazz.RCTooFast {
		t.Fatalf("after 3 denials: %v %+v %v", res, f, err)
	}
	// Another address is not held back.
	r2 := httptest.NewRequest(http.MethodPost, "/v1/cek-saldo", nil)
	r2.RemoteAddr = "192.0.2.2:4000"
	if res, f, err := a.Authenticate(ctx, r2, "near", flazz.Sign("near", near.APIKey, "depo"), "depo"); err != nil || res == nil || f != nil {
		t.Fatalf("another address: %v %+v %v", res, f, err)
	}
	mu.Lock()
	out := logs.String()
	mu.Unlock()
	for _, want := range []string{"level=INFO", "source=192.0.2.1", "reason=\"unknown username\"", "reason=\"wrong sign\"", "reason=\"ip not allowed\"", "reason=\"rate limited\""} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
