// Package checkid answers whether a game account (a destination) exists and whose it is, before
// anything is sold to it: the game-ID / nickname check of issue 19. Providers are tried in order,
// each under a short timeout; one that cannot answer (down, slow, unsupported game) passes the
// question to the next, while a definite "no such ID" is final. Answers are cached: a valid ID a
// day, an invalid one ten minutes (a player may have typed it before creating the account).
package checkid

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Result is a check's answer.
type Result struct {
	Valid       bool   `json:"valid"`
	Nickname    string `json:"nickname"`
	Destination string `json:"data"` // normalised, as an order should carry it
	Provider    string `json:"-"`
	Fee         int64  `json:"-"` // what the provider charged for the check, in rupiah
}

// Provider checks IDs for some games.
type Provider interface {
	Name() string
	// Check answers for product (the catalog's product code) and destination. ErrUnsupported
	// or any other error means "no answer": the next provider is asked.
	Check(ctx context.Context, product, destination string) (Result, error)
}

var (
	// ErrUnsupported is a provider's answer for a game it does not check.
	ErrUnsupported = errors.New("game not supported by this provider")
	// ErrNoAnswer means no provider could answer; the ID is neither valid nor invalid.
	ErrNoAnswer = errors.New("no provider could check this ID now")
	// ErrRateLimited refuses a caller that checks too often.
	ErrRateLimited = errors.New("too many ID checks; wait a moment")
)

// Options tune a Checker; zero values take the defaults.
type Options struct {
	Timeout    time.Duration // per provider; default 3 s
	ValidTTL   time.Duration // default 24 h
	InvalidTTL time.Duration // default 10 min
	Rate       rate.Limit    // checks per second per caller; default 1
	Burst      int           // default 10
	Now        func() time.Time
	// OnFee records what a provider charged for an answer (Result.Fee above zero), once per
	// answer it paid for: cached answers cost nothing. The core posts it in the ledger
	// (core.Service.RecordCheckFee); nil records nothing. It runs before the answer is returned,
	// on a context without the caller's cancellation: the money is spent whether or not the
	// caller is still waiting.
	OnFee func(ctx context.Context, provider string, fee int64)
}

// Checker tries its providers in order and caches their answers.
type Checker struct {
	providers []Provider
	opts      Options

	mu      sync.Mutex
	cache   map[string]cached
	callers map[string]*rate.Limiter
}

type cached struct {
	r       Result
	expires time.Time
}

// New returns a Checker over providers, asked in this order.
func New(opts Options, providers ...Provider) *Checker {
	if opts.Timeout <= 0 {
		opts.Timeout = 3 * time.Second
	}
	if opts.ValidTTL <= 0 {
		opts.ValidTTL = 24 * time.Hour
	}
	if opts.InvalidTTL <= 0 {
		opts.InvalidTTL = 10 * time.Minute
	}
	if opts.Rate <= 0 {
		opts.Rate = 1
	}
	if opts.Burst <= 0 {
		opts.Burst = 10
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Checker{providers: providers, opts: opts, cache: map[string]cached{}, callers: map[string]*rate.Limiter{}}
}

// maxCallers bounds the limiter map; past it, the map starts afresh (a burst is the worst case).
const maxCallers = 100000

// Check answers for caller (a reseller, an IP: whom the rate limit counts). A cached answer costs
// the caller nothing against its limit.
func (c *Checker) Check(ctx context.Context, caller, product, destination string) (Result, error) {
	destination = strings.TrimSpace(destination)
	key := product + "\x00" + destination
	now := c.opts.Now()
	c.mu.Lock()
	if e, ok := c.cache[key]; ok && now.Before(e.expires) {
		c.mu.Unlock()
		return e.r, nil
	}
	lim := c.callers[caller]
	if lim == nil {
		if len(c.callers) >= maxCallers {
			c.callers = map[string]*rate.Limiter{}
		}
		lim = rate.NewLimiter(c.opts.Rate, c.opts.Burst)
		c.callers[caller] = lim
	}
	ok := lim.AllowN(now, 1)
	c.mu.Unlock()
	if !ok {
		return Result{}, ErrRateLimited
	}
	var errs []error
	for _, p := range c.providers {
		pctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
		r, err := p.Check(pctx, product, destination)
		cancel()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.Name(), err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		r.Provider = p.Name()
		if r.Fee > 0 && c.opts.OnFee != nil {
			c.opts.OnFee(context.WithoutCancel(ctx), r.Provider, r.Fee)
		}
		if r.Destination == "" {
			r.Destination = destination
		}
		ttl := c.opts.ValidTTL
		if !r.Valid {
			ttl = c.opts.InvalidTTL
		}
		c.mu.Lock()
		c.cache[key] = cached{r: r, expires: now.Add(ttl)}
		c.mu.Unlock()
		return r, nil
	}
	return Result{}, fmt.Errorf("%w: %w", ErrNoAnswer, errors.Join(errs...))
}

// Simulator is the built-in provider: every game, a nickname derived from the ID, and an ID
// ending in 0000 does not exist (as the simulator supplier fails such destinations).
type Simulator struct{}

// Name is "simulator".
func (Simulator) Name() string { return "simulator" }

var syllables = []string{"ra", "ka", "di", "no", "su", "ma", "ti", "ya", "ga", "lu", "wi", "bo"}

// Check answers deterministically.
func (Simulator) Check(_ context.Context, _, destination string) (Result, error) {
	d := strings.TrimSpace(destination)
	id := d
	if i := strings.IndexByte(id, '('); i >= 0 {
		id = id[:i]
	}
	if id == "" || strings.HasSuffix(id, "0000") {
		return Result{Valid: false, Destination: d}, nil
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(d))
	n := h.Sum32()
	var b strings.Builder
	for i := 0; i < 3; i++ {
		b.WriteString(syllables[n%uint32(len(syllables))])
		n /= uint32(len(syllables))
	}
	nick := strings.ToUpper(b.String()[:1]) + b.String()[1:] + fmt.Sprint(n%100)
	return Result{Valid: true, Nickname: nick, Destination: d}, nil
}
