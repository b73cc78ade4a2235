package otomax

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	wire "github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
)

// creds are what a request presents: its sign (over signed, the fields it covers), or pin and
// password in the query.
type creds struct {
	memberID string
	sign     string
	pin      string
	password string
	// signed is the sign the request should carry, given the member's PIN and password.
	signed func(pin, password string) string
}

// authenticate finds the member and checks the request, in the order of the other dialects:
// blocked source, member, credentials, IP allowlist, suspension, rate. On a refusal it has
// answered and returns nil.
func (h *handler) authenticate(w http.ResponseWriter, r *http.Request, c creds) *reseller.Reseller {
	ctx := r.Context()
	src := h.opts.Guard.ClientIP(r)
	if h.opts.Guard.Blocked(src) {
		h.refused(ctx, r, c.memberID, "source blocked after denials")
		h.write(w, answerTooFast)
		return nil
	}
	res, reason, err := h.check(ctx, r, c)
	if err != nil {
		h.fault(w, r, err)
		return nil
	}
	switch reason {
	case "":
	case "suspended":
		h.refused(ctx, r, c.memberID, reason)
		h.write(w, answerDisabled)
		return nil
	default:
		// An unknown member, one without Otomax access, wrong credentials and a wrong IP are
		// answered alike, and counted against the source.
		h.opts.Guard.Refused(src)
		h.refused(ctx, r, c.memberID, reason)
		h.write(w, answerDenied)
		return nil
	}
	if !h.opts.Guard.Allow(res.ID) {
		h.refused(ctx, r, c.memberID, "rate limited")
		h.write(w, answerTooFast)
		return nil
	}
	return res
}

// check returns the reseller, or the reason it is refused, or an error of the store.
func (h *handler) check(ctx context.Context, r *http.Request, c creds) (*reseller.Reseller, string, error) {
	res, err := h.svc.Reseller(ctx, c.memberID)
	if errors.Is(err, reseller.ErrNotFound) {
		return nil, "unknown member", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("reseller %q: %w", c.memberID, err)
	}
	m, err := h.svc.OtomaxMember(ctx, res.ID)
	if errors.Is(err, core.ErrNotFound) {
		return nil, "no otomax pin", nil
	}
	if err != nil {
		return nil, "", err
	}
	// An account without an api key (made outside Kios) has no password to sign with.
	if res.APIKey == "" || m.PIN == "" {
		return nil, "no password", nil
	}
	plainGiven := c.pin != "" || c.password != ""
	switch {
	case c.sign != "":
		if !wire.SignEqual(c.sign, c.signed(m.PIN, res.APIKey)) {
			return nil, "wrong sign", nil
		}
		// pin and password beside a right sign must be right too: a client that sends wrong
		// ones is misconfigured, and saying nothing would hide it.
		if plainGiven && !(same(c.pin, m.PIN) && same(c.password, res.APIKey)) {
			return nil, "wrong plain pin or password beside the sign", nil
		}
	case !m.Plain:
		return nil, "no sign (plain pin and password not allowed for this member)", nil
	case !(same(c.pin, m.PIN) && same(c.password, res.APIKey)):
		return nil, "wrong plain pin or password", nil
	}
	if ip, ok := h.opts.Guard.ClientAddr(r); !ok || !res.Allows(ip) {
		return nil, "ip not allowed", nil
	}
	if res.Status != reseller.Active {
		return nil, "suspended", nil
	}
	return res, "", nil
}

func same(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// refused logs a refusal with its real reason and the source address.
func (h *handler) refused(ctx context.Context, r *http.Request, member, reason string) {
	h.log.LogAttrs(ctx, slog.LevelInfo, "reseller API refused", slog.String("source", h.opts.Guard.ClientIP(r).String()),
		slog.String("path", r.URL.Path), slog.String("member", member), slog.String("reason", reason))
}
