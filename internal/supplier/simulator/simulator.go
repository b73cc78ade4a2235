// Package simulator is Kios's built-in supplier for demos and tests. Its outcomes are a pure
// function of the request and the clock, so a Status asked after a crash and restart gives the
// same answer the lost Purchase would have given:
//
//   - a destination ending in "0000" fails;
//   - one ending in "1111" stays Pending for about 5 s after the attempt was sent, then succeeds;
//   - any other succeeds after the configured delay, with a serial number derived from the reference.
package simulator

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/supplier"
)

// PendingFor is how long a "1111" destination stays Pending.
const PendingFor = 5 * time.Second

// Simulator implements supplier.Supplier without any network.
type Simulator struct {
	Delay time.Duration    // how long a Purchase takes
	Now   func() time.Time // the clock; nil means time.Now
}

// New returns a simulator whose purchases take delay.
func New(delay time.Duration) *Simulator { return &Simulator{Delay: delay} }

// Name implements supplier.Supplier.
func (s *Simulator) Name() string { return "simulator" }

func (s *Simulator) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Purchase implements supplier.Supplier.
func (s *Simulator) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	if s.Delay > 0 {
		t := time.NewTimer(s.Delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return supplier.Result{}, fmt.Errorf("simulator purchase %s: %w: %w", req.Reference, supplier.ErrUnknownOutcome, ctx.Err())
		case <-t.C:
		}
	}
	return s.outcome(req), nil
}

// Status implements supplier.Supplier.
func (s *Simulator) Status(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	if err := ctx.Err(); err != nil {
		return supplier.Result{}, err
	}
	return s.outcome(req), nil
}

func (s *Simulator) outcome(req supplier.Request) supplier.Result {
	switch {
	case strings.HasSuffix(req.Destination, "0000"):
		return supplier.Result{State: supplier.Failed, Customer: true, Message: "Nomor tujuan salah (simulator)"}
	case strings.HasSuffix(req.Destination, "1111") && s.now().Sub(req.SentAt) < PendingFor:
		return supplier.Result{State: supplier.Pending, Message: "Transaksi sedang diproses (simulator)"}
	}
	return supplier.Result{State: supplier.Success, SN: SerialNumber(req.Reference), Message: "Transaksi sukses (simulator)"}
}

// SerialNumber is the simulator's SN for a reference: 20 digits, stable across restarts.
func SerialNumber(ref string) string {
	h := sha256.Sum256([]byte(ref))
	a := binary.BigEndian.Uint64(h[:8]) % 1e10
	b := binary.BigEndian.Uint64(h[8:16]) % 1e10
	return fmt.Sprintf("%010d%010d", a, b)
}
