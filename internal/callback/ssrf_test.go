package callback_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/callback"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/registry"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestCallbackURLCredentialsRedacted: a callback URL's userinfo and token= query never reach the
// log, neither when a delivery succeeds nor when it fails.
func TestCallbackURLCredentialsRedacted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rcv := newReceiver(t, 500, 200)
	url := strings.Replace(rcv.srv.URL, "http://", "http://shop:hunter2@", 1) + "/kios?token=sekret-token&order=1"
	if err := b.svc.SetCallback(context.Background(), b.cr.Reseller.Username, url); err != nil {
		t.Fatal(err)
	}
	b.fulfil(t, core.PlaceParams{Reference: "red1", Destination: "08123"})
	logs := &syncBuffer{}
	svc, err := core.New(context.Background(), b.db, core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = callback.Run(ctx, svc, callback.Config{Dialects: registry.Default(), Poll: 10 * time.Millisecond, RetryBase: 10 * time.Millisecond, AllowPrivate: true})
		close(done)
	}()
	rcv.wait(t, 2)
	// The delivered log line is written after the receiver answers: wait for the job to go.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		jobs, err := b.db.JobList(context.Background(), store.JobCallback)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("callback job still queued")
		}
	}
	cancel()
	<-done
	out := logs.String()
	if !strings.Contains(out, "callback delivered") || !strings.Contains(out, "callback failed") {
		t.Fatalf("expected a failure and a delivery in the log:\n%s", out)
	}
	for _, secret := range []string{"hunter2", "sekret-token"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q:\n%s", secret, out)
		}
	}
	if d := rcv.deliveries(); len(d) != 2 {
		t.Fatalf("%d deliveries", len(d))
	}
}

// TestSpecialAddressRefusedWhenSet: with the server's policy (public addresses only), a callback
// URL naming a special-purpose address is refused when it is set, with the reason, instead of
// failing every delivery for a day; addresses never a reseller's server are refused even when
// private ones are allowed.
func TestSpecialAddressRefusedWhenSet(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	strict, err := core.New(ctx, b.db, core.Config{Router: simroute.New(0), CallbackPublicOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"http://100.64.1.1/cb", "http://127.0.0.1:9000/cb", "http://[::1]/cb", "http://localhost/cb", "http://198.18.0.5/"} {
		err := strict.SetCallback(ctx, b.cr.Reseller.Username, u)
		if fe, ok := core.IsFieldError(err); !ok || fe.Field != "url" || !strings.Contains(fe.Reason, "address") {
			t.Errorf("%s: %v, want a url field error naming the address", u, err)
		}
	}
	for _, u := range []string{"http://0.0.0.0:80/", "http://240.1.2.3/", "http://192.0.2.1/", "http://[2001:db8::1]/"} {
		if err := b.svc.SetCallback(ctx, b.cr.Reseller.Username, u); err == nil {
			t.Errorf("%s accepted even by a permissive service", u)
		}
	}
	if err := strict.SetCallback(ctx, b.cr.Reseller.Username, "https://shop.example/cb"); err != nil {
		t.Fatal(err)
	}
}

// TestRefusedAddressNotRetried: a delivery the dial filter refuses is not retried with backoff
// for a day: the job waits, with its error, until it is abandoned.
func TestRefusedAddressNotRetried(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rcv := newReceiver(t, 200)
	if err := b.svc.SetCallback(context.Background(), b.cr.Reseller.Username, rcv.srv.URL); err != nil {
		t.Fatal(err)
	}
	o := b.fulfil(t, core.PlaceParams{Reference: "nr1", Destination: "08123"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = callback.Run(ctx, b.svc, callback.Config{Dialects: registry.Default(), Poll: 10 * time.Millisecond, RetryBase: time.Millisecond})
		close(done)
	}()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		jobs, err := b.db.JobList(context.Background(), store.JobCallback)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 1 && jobs[0].Attempts >= 1 && jobs[0].LastError != "" {
			if !jobs[0].RunAt.After(o.UpdatedAt.Add(23 * time.Hour)) {
				t.Fatalf("refused delivery retried at %v (order final at %v)", jobs[0].RunAt, o.UpdatedAt)
			}
			return
		}
	}
	t.Fatal("delivery to 127.0.0.1 not refused")
}
