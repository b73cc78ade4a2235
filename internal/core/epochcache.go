package core

import (
	"sync"
	"time"
)

// epochMaxAge bounds how long a change made by another process (the CLI, another node, an
// operator's SQL) may go unseen by the caches below: it is how old the database's change
// counters may be when read (store.DB.EpochsWithin). A change made through this process is seen
// by the next request whatever the bound. Five milliseconds: no client can tell, and the
// counters' read, once a millisecond at first, was a tenth of PostgreSQL's statements per order
// once the order path's caches multiplied its callers (issue 23).
const epochMaxAge = 5 * time.Millisecond

// epochCache keeps values read from the database, by key, each stamped with the change counter
// (epoch) read before the value was: database triggers bump the counter on every change to the
// rows behind the values, whoever writes, so an entry is used only while the counter is
// unchanged, and all are dropped when it moves. Reading the counter before the value matters: a
// change committed between the two reads bumps the counter past the entry's stamp, so the entry
// is never used after that change. Callers get copies (clone), so what they do with a value never
// reaches the cache. Only values found are cached, so unknown keys cannot fill it.
type epochCache[V any] struct {
	clone func(V) V
	mu    sync.Mutex
	epoch int64
	m     map[string]V
}

// get returns a copy of the value cached for key, if it was cached at epoch.
func (c *epochCache[V]) get(key string, epoch int64) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	if !ok || c.epoch != epoch {
		var zero V
		return zero, false
	}
	return c.clone(v), true
}

// put caches v under the keys as read at epoch; entries of an older epoch are dropped.
func (c *epochCache[V]) put(v V, epoch int64, keys ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch < c.epoch {
		return // a slower reader's older view must not replace a newer one
	}
	if epoch != c.epoch || c.m == nil {
		c.epoch = epoch
		c.m = map[string]V{}
	}
	v = c.clone(v)
	for _, k := range keys {
		c.m[k] = v
	}
}
