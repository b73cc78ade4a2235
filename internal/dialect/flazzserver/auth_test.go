package flazzserver_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestAuthOrder: a request that fails every check is refused by the first check of the order it
// is given, so each dialect's order is what its clients see.
func TestAuthOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, err := core.New(ctx, storetest.Backends()[0].Open(t), core.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
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
	if _, f, err := a.Authenticate(ctx, r, "nobody", "x", "depo"); err != nil || f == nil || f.Check != 0 || f.RC() != flazz.RCUsername {
		t.Errorf("unknown username: %+v %v", f, err)
	}
	// A right sign passes the sign check and meets the next one.
	if _, f, err := a.Authenticate(ctx, r, "faraway", flazz.Sign("faraway", cr.APIKey, "depo"), "depo"); err != nil || f == nil || f.Check != flazzserver.IP || f.RC() != flazz.RCIP || f.IP.String() != "192.0.2.1" {
		t.Errorf("right sign: %+v %v", f, err)
	}
}
