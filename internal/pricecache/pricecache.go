// Package pricecache keeps price-list answers encoded, ready to write. A price list is the same
// answer for every caller of one price key (core.Pricer.CacheKey: a tier for resellers outside
// the downline tree, the reseller itself for a downline, whose prices carry its uplines'
// markups), so a key must name it; building one from the database and encoding it costs
// far more than sending it: for 5,000 SKUs, kios bench measured 30 answers/s built each time
// against 3,500/s for the same bytes served static.
//
// An answer is reused until the catalog or the downline tree's markups change in this process
// (core.Service.PriceListVersion) or it is TTL old. The TTL bounds how long a change the version does not see takes to show: one
// made by another process (the admin CLI), a stock running out, a cut-off window opening. Orders
// never rely on a cached list: they read the variant afresh.
package pricecache

import (
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// TTL is how long an answer is reused at most.
const TTL = time.Second

// maxEntries bounds the cache; keys hold caller-chosen codes.
const maxEntries = 4096

// Cache holds encoded answers by key. The zero value is ready to use.
type Cache struct {
	mu sync.Mutex
	m  map[string]entry
	// fill lets one caller per key build an answer while the others wait for it: under load, a
	// herd of concurrent builds took longer than the TTL, so no answer was ever reused.
	fill singleflight.Group
}

type entry struct {
	body    []byte
	version uint64
	built   time.Time
}

// Get returns the answer for key, building it with build when there is none fresh for version
// at now. build's answer is kept under the version and time taken before it began, so that a
// change committed while it ran makes it stale. Callers waiting on another's build share its
// result, error included; build should therefore not depend on one caller's context.
func (c *Cache) Get(key string, version func() uint64, now func() time.Time, build func() ([]byte, error)) ([]byte, error) {
	if b, ok := c.lookup(key, version(), now()); ok {
		return b, nil
	}
	v, err, _ := c.fill.Do(key, func() (any, error) {
		ver, t := version(), now()
		body, err := build()
		if err != nil {
			return nil, err
		}
		c.put(key, entry{body: body, version: ver, built: t})
		return body, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]byte), nil
}

func (c *Cache) lookup(key string, version uint64, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || e.version != version || now.Sub(e.built) >= TTL || now.Before(e.built) {
		return nil, false
	}
	return e.body, true
}

func (c *Cache) put(key string, e entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]entry{}
	}
	if len(c.m) >= maxEntries {
		clear(c.m)
	}
	c.m[key] = e
}
