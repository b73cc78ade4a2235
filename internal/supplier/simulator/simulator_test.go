package simulator

import (
	"context"
	"errors"
	"slices"
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

// TestStartPurchase: a started purchase is answered once, after the delay, as Purchase would
// answer it; one whose context ends first is answered once, as an unknown outcome; the watches
// on contexts are let go of once their purchases are answered.
func TestStartPurchase(t *testing.T) {
	s := New(30 * time.Millisecond)
	type answer struct {
		ref string
		res supplier.Result
		err error
	}
	answers := make(chan answer, 10)
	start := func(ctx context.Context, ref, dest string) {
		s.Starting().StartPurchase(ctx, supplier.Request{Reference: ref, Destination: dest, SentAt: time.Now()}, func(res supplier.Result, err error) {
			answers <- answer{ref, res, err}
		})
	}
	shared, cancelShared := context.WithCancel(context.Background())
	defer cancelShared()
	doomed, cancelDoomed := context.WithCancel(context.Background())
	began := time.Now()
	start(shared, "ok-1", "0812345")
	start(doomed, "cut-1", "0812346")
	start(shared, "bad-1", "08120000")
	start(doomed, "cut-2", "0812347")
	cancelDoomed()
	got := map[string]answer{}
	for range 4 {
		select {
		case a := <-answers:
			if _, twice := got[a.ref]; twice {
				t.Fatalf("%s answered twice", a.ref)
			}
			got[a.ref] = a
		case <-time.After(10 * time.Second):
			t.Fatalf("answers so far: %+v", got)
		}
	}
	for _, ref := range []string{"cut-1", "cut-2"} {
		if a := got[ref]; !errors.Is(a.err, supplier.ErrUnknownOutcome) || !errors.Is(a.err, context.Canceled) {
			t.Fatalf("%s: %+v", ref, a)
		}
	}
	if a := got["ok-1"]; a.err != nil || a.res.State != supplier.Success || a.res.SN != SerialNumber("ok-1") {
		t.Fatalf("ok-1: %+v", a)
	}
	if a := got["bad-1"]; a.err != nil || a.res.State != supplier.Failed {
		t.Fatalf("bad-1: %+v", a)
	}
	if took := time.Since(began); took < s.Delay {
		t.Fatalf("answered after %v, before the delay", took)
	}
	select {
	case a := <-answers:
		t.Fatalf("answered again: %+v", a)
	case <-time.After(3 * s.Delay):
	}
	s.started.mu.Lock()
	defer s.started.mu.Unlock()
	if len(s.started.watches) != 0 || len(s.started.heap) != 0 {
		t.Fatalf("left behind: %d watches, %d in the heap", len(s.started.watches), len(s.started.heap))
	}
}

// TestStartedPurchasesHeap: started purchases come off the heap in the order they fall due,
// whatever the order they went in (the delay may change between them).
func TestStartedPurchasesHeap(t *testing.T) {
	var q startedPurchases
	base := time.Now()
	in := []int{80, 20, 60, 10, 40, 10, 90, 30, 70, 50, 0}
	for _, d := range in {
		q.push(&startedPurchase{due: base.Add(time.Duration(d) * time.Millisecond)})
	}
	var got []int
	for len(q.heap) > 0 {
		got = append(got, int(q.pop().due.Sub(base)/time.Millisecond))
	}
	want := slices.Clone(in)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("came off as %v, want %v", got, want)
	}
}
