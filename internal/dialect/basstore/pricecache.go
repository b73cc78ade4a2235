package basstore

import (
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// A product's variant list at one tier is the same answer for every reseller on that tier, and
// encoding thousands of variants from the database on each call cost 98% of the endpoint's time
// (kios bench: 30 answers/s for 5,000 SKUs against 3,500/s for the same bytes served static). So
// the whole answer is kept encoded, per product and tier, until the catalog changes in this
// process (core.Service.CatalogVersion) or it is priceListTTL old: the TTL bounds how long a change
// made by another process (the admin CLI), a stock running out or a cut-off window opening takes
// to show. Orders never rely on it: they read the variant afresh.
const priceListTTL = time.Second

// encoded is a whole answer, envelope included, ready to write.
type encoded []byte

type priceKey struct{ product, tier string }

type priceEntry struct {
	body    encoded
	version uint64
	built   time.Time
}

type priceCache struct {
	mu sync.Mutex
	m  map[priceKey]priceEntry
	// fill lets one caller per key build an answer while the others wait for it: under load, a
	// herd of concurrent builds took longer than the TTL, so no answer was ever reused.
	fill singleflight.Group
}

func (c *priceCache) get(k priceKey, version uint64, now time.Time) (encoded, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || e.version != version || now.Sub(e.built) >= priceListTTL || now.Before(e.built) {
		return nil, false
	}
	return e.body, true
}

func (c *priceCache) put(k priceKey, version uint64, built time.Time, body encoded) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[priceKey]priceEntry{}
	}
	if len(c.m) > 4096 {
		// Product codes come from callers; unknown ones are never cached, but bound it anyway.
		clear(c.m)
	}
	c.m[k] = priceEntry{body: body, version: version, built: built}
}
