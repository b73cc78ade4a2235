package otomax

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"
)

// signOf is the SHA-1 of the parts joined by "|", in the URL-safe base64 without padding that
// Otomax itself sends ("+" → "-", "/" → "_", no "="): a sign that survives a query string unescaped.
func signOf(parts ...string) string {
	sum := sha1.Sum([]byte(strings.Join(parts, "|")))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Sign is the sign of a transaction or of its status check (the same request with check=1):
// base64(sha1("OtomaX|" + memberID + "|" + product + "|" + dest + "|" + refID + "|" + pin + "|" + password)).
func Sign(memberID, product, dest, refID, pin, password string) string {
	return signOf("OtomaX", memberID, product, dest, refID, pin, password)
}

// SignBalance is the sign of a balance request: base64(sha1("OtomaX|CheckBalance|" + memberID +
// "|" + pin + "|" + password)).
func SignBalance(memberID, pin, password string) string {
	return signOf("OtomaX", "CheckBalance", memberID, pin, password)
}

// SignTicket is the sign of a deposit ticket request: base64(sha1("OtomaX|ticket|" + memberID +
// "|" + pin + "|" + password + "|" + amount)).
func SignTicket(memberID, pin, password string, amount int64) string {
	return signOf("OtomaX", "ticket", memberID, pin, password, strconv.FormatInt(amount, 10))
}

// normalSign maps the spellings of one sign that centers' clients send onto Otomax's own:
// standard base64 ("+", "/", "=" padding), and a "+" that arrived as a space because the client
// did not escape it in the query string.
func normalSign(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	return strings.NewReplacer("+", "-", " ", "-", "/", "_").Replace(s)
}

// SignEqual reports, in constant time, whether got is want in any of the spellings normalSign
// accepts.
func SignEqual(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(normalSign(got)), []byte(normalSign(want))) == 1
}
