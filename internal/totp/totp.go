// Package totp computes time-based one-time passwords (RFC 6238, over RFC 4226's HOTP) as
// authenticator apps do: HMAC-SHA1, 30-second steps, six digits. It is a few lines of the
// standard library, so Kios carries no OTP dependency; tests pin the clock.
package totp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Step is the length of one code's time window.
const Step = 30 * time.Second

// Digits is the length of a code.
const Digits = 6

// Skew is how many steps before or after the current one are accepted, for clocks that drift.
const Skew = 1

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a random 160-bit secret in base32, as authenticator apps take it.
func NewSecret() string {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return b32.EncodeToString(b[:])
}

// StepAt is the time step a moment falls in.
func StepAt(t time.Time) int64 { return t.Unix() / int64(Step/time.Second) }

// Code is the code of a secret at a step (RFC 4226 section 5.3, dynamic truncation).
func Code(secret string, step int64) (string, error) {
	key, err := b32.DecodeString(strings.ToUpper(strings.TrimRight(strings.ReplaceAll(secret, " ", ""), "=")))
	if err != nil {
		return "", fmt.Errorf("totp secret: %w", err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000), nil
}

// Verify finds the step, within Skew of now, whose code is code; ok is false when none matches.
// Every candidate is compared, in constant time, so timing tells nothing of which step matched.
func Verify(secret, code string, now time.Time) (step int64, ok bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != Digits {
		return 0, false
	}
	cur := StepAt(now)
	for s := cur - Skew; s <= cur+Skew; s++ {
		want, err := Code(secret, s)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && !ok {
			step, ok = s, true
		}
	}
	return step, ok
}

// URI is the otpauth:// URI an authenticator app reads (usually from a QR code; typing the secret
// works as well).
func URI(issuer, account, secret string) string {
	label := url.PathEscape(issuer + ":" + account)
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}
