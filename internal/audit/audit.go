// Package audit holds what an audit entry is and the context that carries one to the write it
// records: the store writes the entry in the transaction of the change, so the log cannot miss a
// change nor record one that did not commit.
package audit

import (
	"context"
	"time"
)

// Entry is one admin action: who did what to which target, and the target before and after
// (JSON; empty when there was nothing before or after).
type Entry struct {
	ID     int64
	At     time.Time
	Actor  string
	Action string
	Target string
	Before string
	After  string
	IP     string
}

// Filter narrows a listing of the audit log.
type Filter struct {
	Actor  string
	Target string
	Action string // a prefix: "reseller." matches every reseller action
	Before int64  // only entries with a smaller id (paging); 0 for the newest
	Limit  int    // 0 means 100
}

type key struct{}

// Pending is an audit entry waiting for the change it records.
type Pending struct {
	Entry   Entry
	written bool // set once a batch holding the entry has committed
}

// With returns a context under which the next write batch that commits also writes e, in the
// same transaction as its change: whoever makes a change through a method that takes no actor
// (the CLI, an admin API call into the core), the change and the record of who made it commit
// together or not at all. Only the first committed batch writes the entry; a method that commits
// in several batches (a catalog sync in chunks) is recorded once, with its first.
func With(ctx context.Context, e Entry) context.Context {
	return context.WithValue(ctx, key{}, &Pending{Entry: e})
}

// Without is ctx without the entry With put on it: for writes that are not the change being
// audited (sealing secrets found in clear as the database opens).
func Without(ctx context.Context) context.Context {
	return context.WithValue(ctx, key{}, (*Pending)(nil))
}

// Written tells whether the entry With put on ctx has been committed.
func Written(ctx context.Context) bool {
	p, _ := ctx.Value(key{}).(*Pending)
	return p != nil && p.written
}

// ToWrite is the entry on ctx still to be written, or nil: what the store's batch writes with its
// change, then marks with Committed.
func ToWrite(ctx context.Context) *Pending {
	p, _ := ctx.Value(key{}).(*Pending)
	if p == nil || p.written {
		return nil
	}
	return p
}

// Committed marks p as written: the batch that wrote it has committed.
func (p *Pending) Committed() { p.written = true }
