package core

import (
	"context"

	"github.com/kios-h2h/kios/internal/store"
)

// QueueDepth is how many orders wait for fulfilment (queued or in flight): the backlog.
func (s *Service) QueueDepth(ctx context.Context) (int64, error) {
	counts, err := s.db.JobCounts(ctx)
	if err != nil {
		return 0, err
	}
	return counts[store.JobFulfil], nil
}

// DatabaseSize is the bytes the database's data takes now.
func (s *Service) DatabaseSize(ctx context.Context) (int64, error) { return s.db.Size(ctx) }

// TableSizes is the bytes each table (and, on SQLite, each index) takes, by name.
func (s *Service) TableSizes(ctx context.Context) (map[string]int64, error) {
	return s.db.TableSizes(ctx)
}
