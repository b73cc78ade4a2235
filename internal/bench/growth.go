package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kios-h2h/kios/internal/core"
)

// SoakLine is one line of a soak run (--soak): the figures of the last SoakEvery orders.
type SoakLine struct {
	Orders       int64   `json:"orders"`         // accepted so far
	AcceptedPerS float64 `json:"accepted_per_s"` // over the last interval
	// FulfilledPerS is orders made final per second over the last interval (accepted less the
	// backlog, so it counts every order that left the queue).
	FulfilledPerS   float64 `json:"fulfilled_per_s"`
	Backlog         int64   `json:"backlog"` // orders queued for fulfilment now
	RSSMB           float64 `json:"rss_mb"`
	DBBytesPerOrder float64 `json:"db_bytes_per_order"` // database growth since the start ÷ orders
}

// String is the line as printed.
func (l SoakLine) String() string {
	return fmt.Sprintf("soak: %9d orders  %7.0f accepted/s  %7.0f fulfilled/s  backlog %7d  rss %6.1f MB  %6.0f bytes/order",
		l.Orders, l.AcceptedPerS, l.FulfilledPerS, l.Backlog, l.RSSMB, l.DBBytesPerOrder)
}

// DefaultSoakEvery is how many orders a soak line covers.
const DefaultSoakEvery = 100_000

// monitor samples an embedded server while orders are placed: the fulfilment backlog (its
// maximum is backlog_max) and, in a soak run, a line per SoakEvery accepted orders.
type monitor struct {
	svc      *core.Service
	cfg      Config
	accepted *atomic.Int64 // orders accepted so far, by the order op
	size0    int64         // database size before the first order

	backlogMax atomic.Int64
	stop       chan struct{}
	done       sync.WaitGroup
}

func startMonitor(ctx context.Context, svc *core.Service, cfg Config, accepted *atomic.Int64, size0 int64) *monitor {
	m := &monitor{svc: svc, cfg: cfg, accepted: accepted, size0: size0, stop: make(chan struct{})}
	m.done.Add(1)
	go m.run(ctx)
	return m
}

func (m *monitor) run(ctx context.Context) {
	defer m.done.Done()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	every := int64(m.cfg.SoakEvery)
	if every <= 0 {
		every = DefaultSoakEvery
	}
	lastAt, lastAccepted, lastFinal, next := time.Now(), int64(0), int64(0), every
	for last := false; !last; {
		select {
		case <-ctx.Done():
			return
		case <-m.stop:
			last = true // one more sample: the line the last orders completed
		case <-t.C:
		}
		backlog, err := m.svc.QueueDepth(ctx)
		if err != nil {
			continue
		}
		if backlog > m.backlogMax.Load() {
			m.backlogMax.Store(backlog)
		}
		acc := m.accepted.Load()
		if m.cfg.Soak == nil || acc < next {
			continue
		}
		now := time.Now()
		dt := now.Sub(lastAt).Seconds()
		final := acc - backlog
		line := SoakLine{Orders: acc, Backlog: backlog, RSSMB: rssMB(),
			AcceptedPerS: round2(float64(acc-lastAccepted) / dt), FulfilledPerS: round2(float64(final-lastFinal) / dt)}
		if size, err := m.svc.DatabaseSize(ctx); err == nil && acc > 0 {
			line.DBBytesPerOrder = round2(float64(size-m.size0) / float64(acc))
		}
		m.cfg.Soak(line)
		lastAt, lastAccepted, lastFinal = now, acc, final
		for next <= acc {
			next += every
		}
	}
}

// finish stops the sampling and returns the largest backlog seen.
func (m *monitor) finish() int64 {
	close(m.stop)
	m.done.Wait()
	return m.backlogMax.Load()
}

// growth measures the database's growth per accepted order, in all and per table.
func growth(ctx context.Context, svc *core.Service, size0 int64, tables0 map[string]int64, orders int64) (*float64, map[string]float64) {
	if orders <= 0 {
		return nil, nil
	}
	size, err := svc.DatabaseSize(ctx)
	if err != nil {
		return nil, nil
	}
	per := round2(float64(size-size0) / float64(orders))
	tables, err := svc.TableSizes(ctx)
	if err != nil || tables0 == nil {
		return &per, nil
	}
	byTable := map[string]float64{}
	for name, n := range tables {
		if d := n - tables0[name]; d > 0 {
			byTable[name] = round2(float64(d) / float64(orders))
		}
	}
	return &per, byTable
}
