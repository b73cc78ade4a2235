package store

import (
	"context"
	"sync"
)

// Waking other processes' workers (issue 23: no polling storm when idle). A process's own
// workers are woken in process when it queues a job (core's Subscribe); workers on other nodes
// sharing the database learn of it here. A backend that can tell other sessions (PostgreSQL's
// NOTIFY) sets Options.NotifyJobs, the statement a batch that queued a job runs before its
// commit, and Options.JobListener, which listens for the others' and calls wake for each. The
// notice is transactional: sent at the commit, never for a batch rolled back, so a woken worker
// finds the job.

// jobWakes is a DB's listener: started by the first JobWakes, stopped by Close.
type jobWakes struct {
	once   sync.Once
	ch     chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// JobWakes returns a channel that receives a value when another process has queued a job, or
// nil (which never receives) on a backend that cannot tell. The listener starts with the first
// call, so that short-lived processes (the CLI) do not hold its connection.
func (db *DB) JobWakes() <-chan struct{} {
	if db.opts.JobListener == nil {
		return nil
	}
	w := &db.wakes
	w.once.Do(func() {
		w.ch = make(chan struct{}, 1)
		ctx, cancel := context.WithCancel(context.Background())
		w.cancel, w.done = cancel, make(chan struct{})
		go func() {
			defer close(w.done)
			db.opts.JobListener(ctx, func() {
				select {
				case w.ch <- struct{}{}:
				default: // a wake is pending: the workers will claim everything due
				}
			})
		}()
	})
	return w.ch
}

// stopWakes stops the listener, if it was started.
func (db *DB) stopWakes() {
	w := &db.wakes
	w.once.Do(func() {}) // no listener may start after Close
	if w.cancel != nil {
		w.cancel()
		<-w.done
	}
}
