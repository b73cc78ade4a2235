package simulator

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/supplier"
)

func TestOutcomes(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	s := &Simulator{Now: func() time.Time { return now }}
	ctx := context.Background()
	req := func(dest string) supplier.Request {
		return supplier.Request{Reference: "INV-1", Destination: dest, SentAt: now}
	}
	r, _ := s.Purchase(ctx, req("0812340000"))
	if r.State != supplier.Failed {
		t.Errorf("0000: %v", r.State)
	}
	r, _ = s.Purchase(ctx, req("0812341111"))
	if r.State != supplier.Pending {
		t.Errorf("1111 at once: %v", r.State)
	}
	now = now.Add(PendingFor)
	r, _ = s.Status(ctx, supplier.Request{Reference: "INV-1", Destination: "0812341111", SentAt: now.Add(-PendingFor)})
	if r.State != supplier.Success || r.SN == "" {
		t.Errorf("1111 after 5s: %+v", r)
	}
	r1, _ := s.Purchase(ctx, req("0812345678"))
	r2, _ := s.Status(ctx, req("0812345678"))
	if r1.State != supplier.Success || r1.SN != r2.SN || len(r1.SN) != 20 {
		t.Errorf("status after a lost purchase must repeat its answer: %+v %+v", r1, r2)
	}
}

func TestPurchaseHonoursContext(t *testing.T) {
	t.Parallel()
	s := New(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Purchase(ctx, supplier.Request{Reference: "x", Destination: "1"})
	if !errors.Is(err, supplier.ErrUnknownOutcome) {
		t.Fatalf("err = %v", err)
	}
}
