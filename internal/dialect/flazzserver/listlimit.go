package flazzserver

import (
	"sync"
	"time"
)

// ListKey is what a full price list allowance is counted per: a reseller and, in a dialect that
// counts them apart, the list's command ("" where one allowance covers every list).
type ListKey struct {
	Reseller int64
	Command  string
}

// ListLimit is Digiflazz's rule for the full (unfiltered) price list: once per interval per key,
// rc 83 when sooner. It is safe for concurrent use.
type ListLimit struct {
	every time.Duration // negative: no limit

	mu   sync.Mutex
	last map[ListKey]time.Time
}

// NewListLimit returns a limit of one full list per every; a negative every lifts the limit.
func NewListLimit(every time.Duration) *ListLimit {
	return &ListLimit{every: every, last: map[ListKey]time.Time{}}
}

// Allowed reports whether k may fetch a full list at now.
func (l *ListLimit) Allowed(k ListKey, now time.Time) bool {
	if l.every < 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	last, ok := l.last[k]
	return !ok || now.Sub(last) >= l.every
}

// Served records that k was served a full list at now.
func (l *ListLimit) Served(k ListKey, now time.Time) {
	if l.every < 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last[k] = now
	if len(l.last) > 10000 { // bound memory: entries older than the interval mean nothing
		for k, t := range l.last {
			if now.Sub(t) >= l.every {
				delete(l.last, k)
			}
		}
	}
}
