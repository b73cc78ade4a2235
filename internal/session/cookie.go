package session

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

// NewID returns a session id: 32 random bytes as hex. Only its Hash is stored.
func NewID() string { return reseller.NewSecret(32) }

// Hash is how session ids, API tokens and recovery codes are stored: they carry enough random
// bits that a fast hash is enough.
func Hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// CSRFToken derives a session's anti-forgery token from its id. The database holds only a
// different hash of the id, so neither can be computed from what is stored, and no extra column
// or state is needed.
func CSRFToken(sid string) string { return Hash("kios-csrf\x00" + sid) }

// CheckCSRF compares a presented anti-forgery token with the expected one, in constant time.
func CheckCSRF(want, presented string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(presented), []byte(want)) == 1
}

// PresentedCSRF is the anti-forgery token a request carries: the X-CSRF-Token header (htmx and
// scripts) or the csrf form field (plain forms).
func PresentedCSRF(r *http.Request) string {
	if tok := r.Header.Get("X-CSRF-Token"); tok != "" {
		return tok
	}
	return r.PostFormValue("csrf")
}

// SafeMethod reports whether a method changes nothing, and so needs no CSRF token.
func SafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// SetCookie sets a session cookie: HttpOnly, SameSite=Strict, Secure when asked, for ttl.
func SetCookie(w http.ResponseWriter, name, value string, ttl time.Duration, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(ttl.Seconds())})
}

// ClearCookie removes a session cookie.
func ClearCookie(w http.ResponseWriter, name string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

// CrossSite reports whether a request came from another site, by the browser's Sec-Fetch-Site or
// Origin. Login forms carry no CSRF token (there is no session yet), so this is what stops a
// cross-site login.
func CrossSite(r *http.Request) bool {
	if s := r.Header.Get("Sec-Fetch-Site"); s != "" && s != "same-origin" && s != "none" {
		return true
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		return err != nil || u.Host != r.Host
	}
	return false
}

// SafeNext keeps a post-login redirect on this site: a path under prefix, never a URL.
func SafeNext(next, prefix string) string {
	if !strings.HasPrefix(next, prefix) || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return prefix
	}
	return next
}

// Flash kinds: a message of success or of failure.
const (
	FlashOK  = "ok"
	FlashErr = "err"
)

// Flash is a message kept in the session for the next page it sees (post/redirect/get), so that
// no text a link could forge ever reaches the page's banner.
type Flash struct {
	Kind string
	Text string
}

// SetFlash leaves a message for the session's next page.
func SetFlash(ctx context.Context, db *store.DB, realm store.Realm, sid, kind, text string) error {
	return db.Batch(ctx, func(tx *store.Tx) error { return tx.SessionFlashSet(ctx, realm, Hash(sid), kind+":"+text) })
}

// TakeFlash returns the session's message, if any, and clears it. A page with none costs one read.
func TakeFlash(ctx context.Context, db *store.DB, realm store.Realm, sid string) (Flash, error) {
	has, err := db.SessionHasFlash(ctx, realm, Hash(sid))
	if err != nil || !has {
		return Flash{}, err
	}
	var msg string
	err = db.Batch(ctx, func(tx *store.Tx) error {
		var err error
		msg, err = tx.SessionFlashTake(ctx, realm, Hash(sid))
		return err
	})
	if err != nil {
		return Flash{}, err
	}
	kind, text, _ := strings.Cut(msg, ":")
	return Flash{Kind: kind, Text: text}, nil
}

// Realm names a kind of browser session: the admin dashboard's or the member area's.
type Realm = store.Realm

// The session realms.
const (
	RealmAdmin  = store.RealmAdmin
	RealmMember = store.RealmMember
)
