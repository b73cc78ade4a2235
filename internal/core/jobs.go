package core

import (
	"context"
	"time"

	"github.com/kios-h2h/kios/internal/job"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

// The queue operations of the workers outside the core (the callback sender, the text channels'
// sender): they claim, end and retry their jobs through the service, never the store.

// ClaimJobs leases up to n due jobs of the given kinds to node for lease.
func (s *Service) ClaimJobs(ctx context.Context, node string, kinds []string, n int, lease time.Duration) ([]job.Job, error) {
	var jobs []job.Job
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		var err error
		jobs, err = tx.JobClaim(ctx, node, kinds, n, lease)
		return err
	})
	return jobs, err
}

// EndJob removes a job that is over.
func (s *Service) EndJob(ctx context.Context, id int64) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.JobDelete(ctx, id) })
}

// RetryJob puts a claimed job back in the queue to run at runAt, counting the attempt and
// keeping why it failed.
func (s *Service) RetryJob(ctx context.Context, j job.Job, runAt time.Time, why string) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.JobRetry(ctx, j, runAt, why) })
}

// EndCallbackJob removes a callback job that is over, recording in the same transaction what the
// reseller's URL answered (d; nil when nothing was sent) for the member area's list.
func (s *Service) EndCallbackJob(ctx context.Context, id int64, d *reseller.CallbackDelivery) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		if err := recordDelivery(ctx, tx, d); err != nil {
			return err
		}
		return tx.JobDelete(ctx, id)
	})
}

// RetryCallbackJob puts a callback job back in the queue (RetryJob), recording in the same
// transaction what the reseller's URL answered (d; nil when nothing was sent).
func (s *Service) RetryCallbackJob(ctx context.Context, j job.Job, runAt time.Time, why string, d *reseller.CallbackDelivery) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		if err := recordDelivery(ctx, tx, d); err != nil {
			return err
		}
		return tx.JobRetry(ctx, j, runAt, why)
	})
}

// recordDelivery inserts a copy of d (a batch may run fn again: the caller's value stays as it
// was).
func recordDelivery(ctx context.Context, tx *store.Tx, d *reseller.CallbackDelivery) error {
	if d == nil {
		return nil
	}
	c := *d
	return tx.CallbackDeliveryInsert(ctx, &c)
}

// OrderByID finds an order by its id (order.ErrNotFound).
func (s *Service) OrderByID(ctx context.Context, id int64) (*order.Order, error) {
	return s.db.OrderByID(ctx, id)
}
