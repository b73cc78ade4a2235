// Package callbackurl holds the rules for the URLs Kios POSTs resellers' callbacks to: which
// addresses they may reach (not the network Kios runs in: SSRF), how a URL is checked when a
// reseller or operator sets it, and how it is written to logs without the credentials it may
// carry.
package callbackurl

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// A range is a special-purpose block of the IANA IPv4 and IPv6 Special-Purpose Address
// Registries (RFC 6890 and its updates), plus multicast.
type special struct {
	prefix netip.Prefix
	name   string
	// internal blocks are the ones an operator may open with --callback-allow-private: a
	// reseller on the same machine or network. The others are never a reseller's server.
	internal bool
}

var specials = func() []special {
	rows := []struct {
		cidr, name string
		internal   bool
	}{
		{"0.0.0.0/8", `"this network"`, false},
		{"10.0.0.0/8", "private", true},
		{"100.64.0.0/10", "shared address space (carrier-grade NAT)", true},
		{"127.0.0.0/8", "loopback", true},
		{"169.254.0.0/16", "link-local", true},
		{"172.16.0.0/12", "private", true},
		{"192.0.0.0/24", "IETF protocol assignments", false},
		{"192.0.2.0/24", "documentation (TEST-NET-1)", false},
		{"192.88.99.0/24", "6to4 relay anycast (deprecated)", false},
		{"192.168.0.0/16", "private", true},
		{"198.18.0.0/15", "benchmarking", true},
		{"198.51.100.0/24", "documentation (TEST-NET-2)", false},
		{"203.0.113.0/24", "documentation (TEST-NET-3)", false},
		{"224.0.0.0/4", "multicast", false},
		{"240.0.0.0/4", "reserved", false},
		{"255.255.255.255/32", "limited broadcast", false},
		{"::/128", "unspecified", false},
		{"::1/128", "loopback", true},
		{"64:ff9b::/96", "IPv4/IPv6 translation", false},
		{"64:ff9b:1::/48", "local-use IPv4/IPv6 translation", false},
		{"100::/64", "discard-only", false},
		{"2001::/23", "IETF protocol assignments", false},
		{"2001:db8::/32", "documentation", false},
		{"2002::/16", "6to4", false},
		{"3fff::/20", "documentation", false},
		{"5f00::/16", "segment routing (SRv6) SIDs", false},
		{"fc00::/7", "unique local (private)", true},
		{"fe80::/10", "link-local", true},
		{"fec0::/10", "site-local (deprecated)", true},
		{"ff00::/8", "multicast", false},
	}
	out := make([]special, len(rows))
	for i, r := range rows {
		out[i] = special{netip.MustParsePrefix(r.cidr), r.name, r.internal}
	}
	return out
}()

// ErrRefused is an address a callback may not go to.
var ErrRefused = errors.New("callback address refused")

// CheckAddr refuses an address in a special-purpose block: always for the blocks that are never a
// reseller's server (documentation, reserved, multicast…), and for loopback, private, link-local
// and shared (CGNAT) ones unless allowPrivate.
func CheckAddr(a netip.Addr, allowPrivate bool) error {
	a = a.Unmap()
	if !a.IsValid() {
		return fmt.Errorf("no address: %w", ErrRefused)
	}
	for _, s := range specials {
		if s.prefix.Contains(a) && (!s.internal || !allowPrivate) {
			hint := ""
			if s.internal {
				hint = " (kios serve --callback-allow-private allows it)"
			}
			return fmt.Errorf("%s is a %s address%s: %w", a, s.name, hint, ErrRefused)
		}
	}
	return nil
}

// Internal reports whether a is in a block that only --callback-allow-private opens.
func Internal(a netip.Addr) bool {
	a = a.Unmap()
	for _, s := range specials {
		if s.prefix.Contains(a) {
			return s.internal
		}
	}
	return false
}

// Check checks a callback URL as it is set: an absolute http or https URL of at most 2048 bytes
// whose host, when it is an address (or localhost), CheckAddr accepts. A host name is resolved
// only when a callback is sent, where the dialer checks the address it connects to.
func Check(raw string, allowPrivate bool) error {
	if len(raw) > 2048 {
		return errors.New("callback URL longer than 2048 bytes")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("callback URL must be an absolute http or https URL")
	}
	a, ok := HostAddr(u.Hostname())
	if !ok {
		return nil
	}
	return CheckAddr(a, allowPrivate)
}

// HostAddr is the address a URL's host names literally: an IP address, or loopback for
// localhost and its subdomains (which resolve to it by RFC 6761).
func HostAddr(host string) (netip.Addr, bool) {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return netip.IPv6Loopback(), true
	}
	a, err := netip.ParseAddr(strings.Trim(h, "[]"))
	if err != nil {
		// Forms the resolver accepts but netip does not (decimal 2130706433, octal 0177.0.0.1)
		// would slip past here; they are caught when dialled.
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// Redact returns a URL fit for a log: userinfo replaced, and the values of query parameters that
// look like credentials (token, key, sign, secret, password…) replaced by "redacted".
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	if u.User != nil {
		u.User = url.User("redacted")
	}
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k := range q {
			if secretParam(k) {
				q[k] = []string{"redacted"}
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

func secretParam(k string) bool {
	k = strings.ToLower(k)
	for _, w := range []string{"token", "key", "sign", "secret", "pass", "pwd", "auth", "sig", "credential", "session"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}
