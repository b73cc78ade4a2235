package callback_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/callback"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/registry"
	"github.com/kios-h2h/kios/internal/store"
)

// TestSlowReceiverTimesOut: a receiver that never answers holds a delivery no longer than the
// configured timeout; the delivery is retried, and delivered once the receiver answers.
func TestSlowReceiverTimesOut(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var calls atomic.Int32
	release := make(chan struct{})
	hung := make(chan time.Duration, 1)
	delivered := make(chan struct{}, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// Read the body: the server notices a client that hangs up only once it reads again.
		_, _ = io.Copy(io.Discard, r.Body)
		if calls.Add(1) == 1 {
			// The first delivery hangs until the client gives up (or the test ends).
			select {
			case <-r.Context().Done():
			case <-release:
			}
			hung <- time.Since(start)
			return
		}
		w.WriteHeader(http.StatusOK)
		delivered <- struct{}{}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	if err := b.svc.SetCallback(context.Background(), b.cr.Reseller.Username, srv.URL+"/kios"); err != nil {
		t.Fatal(err)
	}
	b.fulfil(t, core.PlaceParams{Reference: "slow-1", Destination: "08123", Dialect: "basstore"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = callback.Run(ctx, b.svc, callback.Config{Dialects: registry.Default(), Poll: 10 * time.Millisecond, RetryBase: 20 * time.Millisecond, Timeout: 300 * time.Millisecond, AllowPrivate: true})
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case held := <-hung:
		if held > 2*time.Second {
			t.Fatalf("a hanging receiver held the delivery %s with a 300ms timeout", held)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a hanging receiver held the delivery over 5s with a 300ms timeout")
	}
	select {
	case <-delivered:
	case <-time.After(10 * time.Second):
		t.Fatalf("the delivery was not retried after the timeout (%d calls)", calls.Load())
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		n, err := b.db.JobCounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n[store.JobCallback] == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("callback jobs left: %v", n)
		}
	}
}
