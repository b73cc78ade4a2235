package otomax

import (
	"context"
	"errors"
	"regexp"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
)

// ErrPIN refuses an Otomax PIN that is not 4 to 8 digits (Otomax's own PINs are digits).
var ErrPIN = errors.New("an Otomax PIN is 4 to 8 digits")

var pinRE = regexp.MustCompile(`^[0-9]{4,8}$`)

// SetMember gives a reseller Otomax "via IP" access with pin, or changes it; plain lets pin and
// password come in the query instead of a sign. The caller's audit row (audit on ctx)
// commits with it; it never holds the PIN.
func SetMember(ctx context.Context, svc *core.Service, username, pin string, plain bool) error {
	if !pinRE.MatchString(pin) {
		return ErrPIN
	}
	r, err := svc.Reseller(ctx, username)
	if err != nil {
		return err
	}
	return svc.SetOtomaxMember(ctx, reseller.OtomaxMember{ResellerID: r.ID, PIN: pin, Plain: plain})
}

// RemoveMember takes a reseller's Otomax access away; it reports whether there was any.
func RemoveMember(ctx context.Context, svc *core.Service, username string) (bool, error) {
	r, err := svc.Reseller(ctx, username)
	if err != nil {
		return false, err
	}
	return svc.RemoveOtomaxMember(ctx, r.ID)
}
