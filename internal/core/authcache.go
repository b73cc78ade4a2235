package core

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/kios-h2h/kios/internal/reseller"
)

// authCache keeps resellers already looked up, by token hash and by username, each stamped with
// the reseller epoch read before the lookup. Every change to any reseller or allowlist row bumps
// the epoch (database triggers, whoever writes: this server, the CLI, another node), so an entry
// is used only while the epoch is unchanged. The epoch itself is read again after any change
// made through this process and otherwise at most every authEpochMaxAge: a suspension or token
// rotation made here applies to the next request, one made elsewhere within a millisecond, and
// a busy server does one small read a millisecond instead of two reads and an allowlist parse
// per request. Only found resellers are cached, so unknown tokens cannot fill it.
// authEpochMaxAge bounds how long a change made by another process may go unseen.
const authEpochMaxAge = time.Millisecond

type authCache struct {
	mu     sync.Mutex
	epoch  int64
	byHash map[string]*reseller.Reseller
	byUser map[string]*reseller.Reseller
}

// get returns a copy of the cached reseller for key, if cached at epoch.
func (c *authCache) get(byHash bool, key string, epoch int64) (*reseller.Reseller, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch {
		return nil, false
	}
	m := c.byUser
	if byHash {
		m = c.byHash
	}
	r, ok := m[key]
	if !ok {
		return nil, false
	}
	return clone(r), true
}

// put caches r as read at epoch; entries of an older epoch are dropped.
func (c *authCache) put(r *reseller.Reseller, epoch int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch < c.epoch {
		return // a slower reader's older view must not replace a newer one
	}
	if epoch != c.epoch || c.byHash == nil {
		c.epoch = epoch
		c.byHash = map[string]*reseller.Reseller{}
		c.byUser = map[string]*reseller.Reseller{}
	}
	r = clone(r)
	c.byHash[r.TokenHash] = r
	c.byUser[r.Username] = r
}

// clone copies r so that callers may change what they get without touching the cache.
func clone(r *reseller.Reseller) *reseller.Reseller {
	c := *r
	c.AllowIPs = slices.Clone(r.AllowIPs)
	return &c
}

// cachedReseller looks a reseller up through the cache: byHash selects a token-hash lookup,
// otherwise key is a username.
func (s *Service) cachedReseller(ctx context.Context, byHash bool, key string) (*reseller.Reseller, error) {
	// The epoch is read before the reseller: a change committed between the two reads bumps the
	// epoch past the one stored with this entry, so the entry is never used after that change.
	epoch, err := s.db.ResellerEpochWithin(ctx, authEpochMaxAge)
	if err != nil {
		return nil, err
	}
	if r, ok := s.auth.get(byHash, key, epoch); ok {
		return r, nil
	}
	var r *reseller.Reseller
	if byHash {
		r, err = s.db.ResellerByTokenHash(ctx, key)
	} else {
		r, err = s.db.ResellerByUsername(ctx, key)
	}
	if err != nil {
		return nil, err
	}
	s.auth.put(r, epoch)
	return r, nil
}
