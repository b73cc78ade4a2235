// Package session is what the admin dashboard and the reseller member area share about people
// signing in with a browser: login throttling, bcrypt password checks that take as long for an
// unknown name, session ids and their CSRF tokens, cookies, flash messages kept in the session,
// and two-factor login (TOTP with recovery codes). Each listener keeps its own users and session
// table; the rules are written once, here.
package session

import (
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Errors of signing in.
var (
	ErrBadLogin  = errors.New("wrong username or password")
	ErrThrottled = errors.New("too many failed logins; wait and try again")
)

// Options configure a Guard.
type Options struct {
	// BcryptCost is the password hashing cost; 0 means bcrypt.DefaultCost. Tests lower it.
	BcryptCost int
	// LoginBurst tries are allowed per client address, per username from one address, and per
	// username from addresses it never signed in from, before further tries are refused; they
	// come back one per LoginEvery. 0 means 5 and 30 s.
	LoginBurst int
	LoginEvery time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Guard throttles logins and checks passwords. One Guard serves one listener's login form.
//
// Every try takes a token from each of its buckets before the password is compared, and a right
// password gives them back: so concurrent wrong guesses cannot all pass the check before the
// first failure is counted. The buckets are the client address, the username from that address,
// and the username as a whole; the last is skipped from an address the user signed in from
// before, so someone guessing at a name from elsewhere does not lock its owner out.
type Guard struct {
	opts Options

	dummyOnce sync.Once
	dummyHash []byte

	mu      sync.Mutex
	buckets map[string]*bucket
	known   map[string]time.Time // username + "|" + address of successful logins
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// knownFor is how long an address a user signed in from is remembered as theirs.
const knownFor = 30 * 24 * time.Hour

// maxKnown bounds the remembered addresses; past it the oldest are forgotten.
const maxKnown = 100_000

// NewGuard returns a Guard.
func NewGuard(opts Options) *Guard {
	if opts.BcryptCost == 0 {
		opts.BcryptCost = bcrypt.DefaultCost
	}
	if opts.LoginBurst <= 0 {
		opts.LoginBurst = 5
	}
	if opts.LoginEvery <= 0 {
		opts.LoginEvery = 30 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Guard{opts: opts, buckets: map[string]*bucket{}, known: map[string]time.Time{}}
}

// Attempt is one login try that holds its tokens until it is known to have succeeded.
type Attempt struct {
	g    *Guard
	keys []string
	name string
	addr string
}

// Begin takes the tokens of a login try by username from addr, before any password is checked.
// It returns ErrThrottled, taking nothing, when any bucket is empty.
func (g *Guard) Begin(username, addr string) (*Attempt, error) {
	name := strings.ToLower(strings.TrimSpace(username))
	keys := []string{"a:" + addr, "n:" + name + "|" + addr}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.opts.Now()
	g.sweep(now)
	if t, ok := g.known[name+"|"+addr]; !ok || now.Sub(t) > knownFor {
		keys = append(keys, "n:"+name)
	}
	for _, k := range keys {
		if g.level(k, now) < 1 {
			return nil, ErrThrottled
		}
	}
	for _, k := range keys {
		g.buckets[k].tokens--
	}
	return &Attempt{g: g, keys: keys, name: name, addr: addr}, nil
}

// Succeeded gives the try's tokens back and remembers addr as one the user signs in from.
func (a *Attempt) Succeeded() {
	g := a.g
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range a.keys {
		if b, ok := g.buckets[k]; ok {
			b.tokens = min(b.tokens+1, float64(g.opts.LoginBurst))
		}
	}
	if len(g.known) < maxKnown {
		g.known[a.name+"|"+a.addr] = g.opts.Now()
	}
}

// level refills key's bucket to now and returns its tokens.
func (g *Guard) level(key string, now time.Time) float64 {
	b, ok := g.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(g.opts.LoginBurst), at: now}
		g.buckets[key] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(b.tokens+float64(d)/float64(g.opts.LoginEvery), float64(g.opts.LoginBurst))
		b.at = now
	}
	return b.tokens
}

// sweep forgets full buckets and old addresses, once a minute: they hold nothing a fresh one
// would not.
func (g *Guard) sweep(now time.Time) {
	if now.Sub(g.swept) < time.Minute {
		return
	}
	g.swept = now
	for k := range g.buckets {
		if g.level(k, now) >= float64(g.opts.LoginBurst) {
			delete(g.buckets, k)
		}
	}
	for k, t := range g.known {
		if now.Sub(t) > knownFor {
			delete(g.known, k)
		}
	}
}

// CheckPassword compares a password with a bcrypt hash; an empty hash (an unknown user) is
// compared against a dummy, so that the answer takes as long whether or not the user exists.
func (g *Guard) CheckPassword(hash, password string) bool {
	h := []byte(hash)
	if hash == "" {
		h = g.dummy()
	}
	// bcrypt compares in constant time.
	return bcrypt.CompareHashAndPassword(h, []byte(password)) == nil && hash != ""
}

// Hash hashes a password with the guard's cost.
func (g *Guard) Hash(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), g.opts.BcryptCost)
	return string(h), err
}

func (g *Guard) dummy() []byte {
	g.dummyOnce.Do(func() {
		h, err := bcrypt.GenerateFromPassword([]byte(NewPassword()), g.opts.BcryptCost)
		if err != nil {
			panic("bcrypt: " + err.Error()) // only for a cost out of range, a programming error
		}
		g.dummyHash = h
	})
	return g.dummyHash
}

// passwordAlphabet leaves out characters that are easily misread (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewPassword returns 20 characters from passwordAlphabet: about 116 bits.
func NewPassword() string {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	out := make([]byte, len(b))
	for i, c := range b {
		// 256 is not a multiple of 56, so the first 32 letters are very slightly more likely;
		// at 20 characters the loss is under half a bit.
		out[i] = passwordAlphabet[int(c)%len(passwordAlphabet)]
	}
	return string(out)
}

// MinPasswordLen is the shortest password a person may choose.
const MinPasswordLen = 10

// ErrWeakPassword refuses a chosen password that is too short.
var ErrWeakPassword = errors.New("password must be at least 10 characters")
