package core

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/store"
)

// LedgerCheckResult is a ledger check with how it was run.
type LedgerCheckResult struct {
	ledger.Report
	// Mode is "full" (the whole history) or "incremental" (what came after the checkpoint Since).
	Mode  string
	Since time.Time // the checkpoint's time, for an incremental check
	Took  time.Duration
	At    time.Time // when it ran
	// Saved tells that the check was clean and recorded as the next checkpoint.
	Saved bool
}

// checkpointsKept is how many ledger checkpoints are kept.
const checkpointsKept = 10

// LedgerCheckFrom checks the ledger from the latest verified checkpoint (full when there is none,
// or when full is set) and, when save is set and it is clean, records the next checkpoint: the
// server does that every few minutes (serve --ledger-check-every), so `kios ledger check`
// verifies minutes of history, not years.
func (s *Service) LedgerCheckFrom(ctx context.Context, full, save bool) (LedgerCheckResult, error) {
	var cp *store.LedgerCheckpoint
	if !full {
		latest, err := s.db.LatestLedgerCheckpoint(ctx)
		switch {
		case err == nil:
			cp = latest
		case !errors.Is(err, store.ErrNotFound):
			return LedgerCheckResult{}, err
		}
	}
	at := s.now()
	rep, next, err := s.db.LedgerCheckFrom(ctx, cp)
	if err != nil {
		return LedgerCheckResult{}, err
	}
	res := LedgerCheckResult{Report: rep, Mode: next.Mode, Took: next.Took, At: at}
	if cp != nil {
		res.Since = cp.CreatedAt
	}
	if save && rep.OK() {
		if err := s.db.Batch(store.WithoutAudit(ctx), func(tx *store.Tx) error { return tx.LedgerCheckpointSave(ctx, next, checkpointsKept) }); err != nil {
			return res, err
		}
		res.Saved = true
	}
	s.lastCheck.set(res)
	return res, nil
}

// LastLedgerCheck is the result of the last check this process ran (ok false: none yet).
func (s *Service) LastLedgerCheck() (LedgerCheckResult, bool) { return s.lastCheck.get() }

// lastCheck keeps the last ledger check's result for the metrics.
type lastCheck struct {
	mu  sync.Mutex
	res *LedgerCheckResult
}

func (l *lastCheck) set(r LedgerCheckResult) {
	l.mu.Lock()
	l.res = &r
	l.mu.Unlock()
}

func (l *lastCheck) get() (LedgerCheckResult, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.res == nil {
		return LedgerCheckResult{}, false
	}
	return *l.res, true
}

// LedgerCheckEvery runs the incremental check every interval until ctx ends, saving each clean
// result as the next checkpoint; a discrepancy is logged at error level (alert "ledger").
func (s *Service) LedgerCheckEvery(ctx context.Context, interval time.Duration) {
	every(ctx, interval, func() {
		res, err := s.LedgerCheckFrom(ctx, false, true)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Error("scheduled ledger check", "err", err)
		case err == nil && !res.OK():
			s.log.Error("ledger check found discrepancies: run kios ledger check --full", "alert", "ledger",
				"discrepancies", len(res.Discrepancies), "first", res.Discrepancies[0].String())
		case err == nil:
			s.log.Info("ledger check", "mode", res.Mode, "accounts", res.Accounts, "orders", res.Orders, "took", res.Took.String())
		}
	})
}

// PartitionsEvery makes the partitions of the months ahead (PostgreSQL: store.EnsurePartitions)
// every interval until ctx ends. Opening the store made them once already; a server that runs
// across a month's turn makes the next month's here, well before it is needed.
func (s *Service) PartitionsEvery(ctx context.Context, interval time.Duration) {
	every(ctx, interval, func() {
		n, err := s.db.EnsurePartitions(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Error("partitions", "err", err)
		case n > 0:
			s.log.Info("partitions made", "months", n)
		}
	})
}

// every runs fn every interval until ctx ends (the first time one interval from now).
func every(ctx context.Context, interval time.Duration, fn func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}
