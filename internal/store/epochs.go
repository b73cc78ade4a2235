package store

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Epochs are the database's change counters, in kios_epochs: Resellers moves with any change to
// resellers or their allowlists, Catalog with any change to products, a variant's terms (not its
// stock) or prices. Triggers keep both exact whoever writes, so a cache of either can tell in one
// small read whether it is still exact. Archives is not 0 once archival has kept an order's
// reference (archived_refs): from then on the order path looks references up there.
type Epochs struct {
	Resellers int64
	Catalog   int64
	Archives  int64
}

// Epochs reads the counters in one statement.
func (q Q) Epochs(ctx context.Context) (Epochs, error) {
	var e Epochs
	rows, err := q.query(ctx, `SELECT name, value FROM kios_epochs WHERE name IN ('resellers', 'catalog', 'archives')`)
	if err != nil {
		return e, fmt.Errorf("epochs: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return e, fmt.Errorf("epochs: %w", err)
		}
		switch name {
		case "resellers":
			e.Resellers = v
		case "catalog":
			e.Catalog = v
		case "archives":
			e.Archives = v
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return e, fmt.Errorf("epochs: %w", err)
	}
	if n != 3 {
		return e, fmt.Errorf("epochs: %d of 3 counters in kios_epochs", n)
	}
	return e, nil
}

// epochRead is the last epochs read, for EpochsWithin, and the read under way.
type epochRead struct {
	mu     sync.Mutex
	ok     bool
	value  Epochs
	local  [2]uint64 // DB.resellerVer and DB.catalogVer before the read
	at     time.Time // when the read began (monotonic)
	flight *epochFlight
}

// epochFlight is a read of the epochs under way, which callers arriving during it may share.
type epochFlight struct {
	done  chan struct{}
	local [2]uint64
	at    time.Time
	value Epochs
	err   error
}

// EpochsWithin is Epochs as read no more than maxAge ago and after the last change to resellers
// or the catalog committed through this DB: a change made here is seen by the very next call,
// one made by another process (the CLI, another node, an operator's SQL) within maxAge. Under
// load this saves a database read on almost every request for a bound no client can notice.
// Callers that find the value too old while a read is under way wait for that read if it began
// within maxAge, rather than each reading.
func (db *DB) EpochsWithin(ctx context.Context, maxAge time.Duration) (Epochs, error) {
	local := [2]uint64{db.resellerVer.Load(), db.catalogVer.Load()}
	e := &db.epoch
	e.mu.Lock()
	if e.ok && e.local == local && time.Since(e.at) < maxAge {
		v := e.value
		e.mu.Unlock()
		return v, nil
	}
	if f := e.flight; f != nil && f.local == local && time.Since(f.at) < maxAge {
		e.mu.Unlock()
		select {
		case <-f.done:
			return f.value, f.err
		case <-ctx.Done():
			return Epochs{}, ctx.Err()
		}
	}
	// The time is taken before the read, so the value is never thought younger than it is.
	f := &epochFlight{done: make(chan struct{}), local: local, at: time.Now()}
	e.flight = f
	e.mu.Unlock()
	// Others may wait on this read: it must not end with this caller.
	f.value, f.err = db.Epochs(context.WithoutCancel(ctx))
	e.mu.Lock()
	if e.flight == f {
		e.flight = nil
	}
	if f.err == nil && (!e.ok || f.at.After(e.at)) {
		e.ok, e.value, e.local, e.at = true, f.value, f.local, f.at
	}
	e.mu.Unlock()
	close(f.done)
	return f.value, f.err
}
