package store

import (
	"context"
	"sync"
	"time"
)

// Waking other processes' workers (issue 23: no polling storm when idle). A process's own
// workers are woken in process when it queues a job (core's Subscribe); workers on other nodes
// sharing the database learn of it here. A backend that can tell other sessions (PostgreSQL's
// NOTIFY) sets Options.NotifyJobs, the statement that tells them, and Options.JobListener,
// which listens for the others' and calls wake for each.
//
// The notice is sent after the batch that queued the job has committed, never for a batch
// rolled back, so a woken worker finds the job; and it is sent by a goroutine of its own, at
// most one every Options.NotifyGap (20 ms), not inside the batch. PostgreSQL serialises the commits of all
// notifying transactions on one lock held to the end of each commit (WAL flush included):
// a NOTIFY in every batch that queues (every acceptance, every settlement with a callback)
// would make the write loops' commits wait for one another. A notice lost to a crash between
// the commit and the send is found by the workers' poll.

// defaultNotifyGap is the least time between two notices of a process (Options.NotifyGap):
// under load one notice stands for the many batches committed meanwhile.
const defaultNotifyGap = 20 * time.Millisecond

// jobNotifier sends a process's notices (NotifyJobs) on its own goroutine.
type jobNotifier struct {
	kick chan struct{} // a notice is due (capacity 1: due notices coalesce)
	stop chan struct{} // closed by Close once the write loops have stopped
	done chan struct{}
}

// startNotifier starts the goroutine that sends notices, if the backend has them.
func (db *DB) startNotifier() {
	if db.opts.NotifyJobs == "" {
		return
	}
	n := &jobNotifier{kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	db.notifier = n
	go func() {
		defer close(n.done)
		for {
			select {
			case <-n.kick:
			case <-n.stop:
				// The last batches' notice, if one is due: a CLI command that made a job due
				// exits right after its commit, and its notice is what other nodes wait for.
				select {
				case <-n.kick:
					db.sendNotice()
				default:
				}
				return
			}
			db.sendNotice()
			select {
			case <-time.After(db.opts.NotifyGap):
			case <-n.stop:
			}
		}
	}()
}

// sendNotice tells other processes that jobs were queued. An error is not returned anywhere:
// the job is committed, and other nodes' workers find it at their next poll.
func (db *DB) sendNotice() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = db.w.ExecContext(ctx, db.opts.NotifyJobs)
}

// jobsQueued is called after the commit of a batch in which a caller that succeeded queued a
// job or made one due now.
func (db *DB) jobsQueued() {
	if db.notifier == nil {
		return
	}
	select {
	case db.notifier.kick <- struct{}{}:
	default: // a notice is due already: it will tell of this batch's jobs too
	}
}

// stopNotifier sends the notice still due, if any, and stops the notifier. Close calls it
// after the write loops have stopped, before the pools close.
func (db *DB) stopNotifier() {
	if db.notifier == nil {
		return
	}
	close(db.notifier.stop)
	<-db.notifier.done
}

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
