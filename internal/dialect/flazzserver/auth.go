package flazzserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"

	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
)

// Check is one check of a signed request, after the reseller named by username is found.
type Check int

// The checks. Each dialect runs all of them, in its own order (see Auth.Order).
const (
	Active Check = iota + 1 // the account is not suspended: rc 42
	IP                      // the caller's IP is on the reseller's allowlist: rc 45
	Sign                    // the md5 sign matches: rc 41
	Rate                    // the reseller's rate limit allows one more request: rc 85
)

// Failure says why a request was refused: its username is unknown (Check 0) or a check failed.
type Failure struct {
	Check Check
	IP    netip.Addr // the caller's address, for the words of an IP refusal
}

// RC is the failure's rc.
func (f *Failure) RC() string {
	switch f.Check {
	case Active:
		return flazz.RCUsername
	case IP:
		return flazz.RCIP
	case Sign:
		return flazz.RCSign
	case Rate:
		return flazz.RCTooFast
	}
	return flazz.RCUsername
}

// Auth checks signed requests against the core's resellers.
type Auth struct {
	Svc   *core.Service
	Guard *access.Guard
	// Order is the order the checks run in; it holds each of Active, IP, Sign and Rate once. Rate
	// must come after Sign, so nobody else can spend a reseller's allowance.
	Order [4]Check
}

// Authenticate finds the reseller named by username and runs the checks on the request, whose
// sign is for suffix. It returns the reseller, or the failure, or an error of the core (a fault).
func (a *Auth) Authenticate(ctx context.Context, r *http.Request, username, sign, suffix string) (*reseller.Reseller, *Failure, error) {
	res, err := a.Svc.Reseller(ctx, username)
	if errors.Is(err, reseller.ErrNotFound) {
		return nil, &Failure{}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reseller %q: %w", username, err)
	}
	for _, c := range a.Order {
		if f := a.check(c, r, res, sign, suffix); f != nil {
			return nil, f, nil
		}
	}
	return res, nil, nil
}

func (a *Auth) check(c Check, r *http.Request, res *reseller.Reseller, sign, suffix string) *Failure {
	switch c {
	case Active:
		if res.Status != reseller.Active {
			return &Failure{Check: c}
		}
	case IP:
		if ip := a.Guard.ClientIP(r); !res.Allows(ip) {
			return &Failure{Check: c, IP: ip}
		}
	case Sign:
		// An account without an api key (made outside Kios) must not accept md5(username+suffix).
		if res.APIKey == "" || !flazz.SignMatches(sign, res.Username, res.APIKey, suffix) {
			return &Failure{Check: c}
		}
	case Rate:
		if !a.Guard.Allow(res.ID) {
			return &Failure{Check: c}
		}
	default:
		panic(fmt.Sprintf("flazzserver: unknown check %d", c))
	}
	return nil
}
