package flazzserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	IP    netip.Addr // the caller's address, for the log
}

// Denied reports whether the failure is one of those a caller must not be able to tell apart: an
// unknown username, a wrong sign, a wrong IP. Told apart, they would let anyone list the
// usernames, learn which accounts are suspended, or test a stolen key from anywhere; all three
// are answered as a wrong sign, and only the operator's log says which it was.
func (f *Failure) Denied() bool { return f.Check == 0 || f.Check == Sign || f.Check == IP }

// RC is the failure's rc: a denied caller's is the wrong sign's.
func (f *Failure) RC() string {
	switch {
	case f.Denied():
		return flazz.RCSign
	case f.Check == Active:
		return flazz.RCUsername
	}
	return flazz.RCTooFast
}

// Auth checks signed requests against the core's resellers.
type Auth struct {
	Svc   *core.Service
	Guard *access.Guard
	// Order is the order the checks run in; it holds each of Active, IP, Sign and Rate once. Rate
	// must come after Sign, so nobody else can spend a reseller's allowance.
	Order [4]Check
	// Log receives the refusals, at info with the source address; nil means the core's logger.
	Log *slog.Logger
}

// Authenticate finds the reseller named by username and runs the checks on the request, whose
// sign is for suffix. It returns the reseller, or the failure, or an error of the core (a fault).
//
// A source address that has collected too many denials is answered "too fast" (Check Rate)
// before anything is looked up, so guessing usernames and keys is slow.
func (a *Auth) Authenticate(ctx context.Context, r *http.Request, username, sign, suffix string) (*reseller.Reseller, *Failure, error) {
	src := a.Guard.ClientIP(r)
	if a.Guard.Blocked(src) {
		return nil, a.refused(ctx, r, src, username, &Failure{Check: Rate, IP: src}), nil
	}
	res, err := a.Svc.Reseller(ctx, username)
	if errors.Is(err, reseller.ErrNotFound) {
		return nil, a.refused(ctx, r, src, username, &Failure{IP: src}), nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reseller %q: %w", username, err)
	}
	for _, c := range a.Order {
		if f := a.check(c, r, res, sign, suffix); f != nil {
			return nil, a.refused(ctx, r, src, username, f), nil
		}
	}
	return res, nil, nil
}

// refused logs a refusal with its real reason and counts a denial against the source address.
func (a *Auth) refused(ctx context.Context, r *http.Request, src netip.Addr, username string, f *Failure) *Failure {
	if f.Denied() {
		a.Guard.Refused(src)
	}
	log := a.Log
	if log == nil {
		log = a.Svc.Logger()
	}
	reason := map[Check]string{0: "unknown username", Active: "suspended", IP: "ip not allowed", Sign: "wrong sign", Rate: "rate limited"}[f.Check]
	log.LogAttrs(ctx, slog.LevelInfo, "reseller API refused", slog.String("source", src.String()),
		slog.String("path", r.URL.Path), slog.String("username", username), slog.String("reason", reason), slog.String("rc", f.RC()))
	return f
}

func (a *Auth) check(c Check, r *http.Request, res *reseller.Reseller, sign, suffix string) *Failure {
	switch c {
	case Active:
		if res.Status != reseller.Active {
			return &Failure{Check: c}
		}
	case IP:
		// Behind a trusted proxy that names no client, the caller is nobody in particular.
		if ip, ok := a.Guard.ClientAddr(r); !ok || !res.Allows(ip) {
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
