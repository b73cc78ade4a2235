package app_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/app"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/sqlite"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// runApp starts an in-process server and returns it with a function that stops it and returns
// Run's error.
func runApp(t *testing.T, cfg app.Config) (*app.App, func() error) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	if cfg.Stdout == nil {
		cfg.Stdout = io.Discard
	}
	// The server's store refuses a transfer outside its reseller's lock domain.
	a, err := app.New(store.WithLockDomainAssertions(context.Background()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	stopped := false
	var runErr error
	stop := func() error {
		if !stopped {
			cancel()
			runErr, stopped = <-done, true
		}
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(a.BaseURL() + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return a, stop
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not healthy: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestServerLockAndCleanStop(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "data", "kios.db")
	var banner bytes.Buffer
	a, stop := runApp(t, app.Config{DB: db, Demo: true, Stdout: &banner})
	if !strings.Contains(banner.String(), "curl -X POST "+a.BaseURL()+"/api/v1/balance") {
		t.Errorf("banner:\n%s", banner.String())
	}
	if _, err := app.New(context.Background(), app.Config{DB: db, Addr: "127.0.0.1:0", Logger: quietLogger()}); !errors.Is(err, sqlite.ErrLocked) {
		t.Fatalf("second server on the same file: %v, want ErrLocked", err)
	}
	if err := stop(); err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	if _, err := http.Get(a.BaseURL() + "/healthz"); err == nil {
		t.Error("still serving after Run returned")
	}
	// The lock went with it.
	_, stop2 := runApp(t, app.Config{DB: db})
	if err := stop2(); err != nil {
		t.Fatal(err)
	}
}

// TestLeasesOfADeadServerAreReleased leaves an order claimed by a process that died with an hour
// left on its lease; a new server on the file must fulfil it at once, not in an hour.
func TestLeasesOfADeadServerAreReleased(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "kios.db")
	db, err := backend.Open(ctx, url, backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	seeded, err := demo.Seed(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	placed, err := svc.PlaceOrder(ctx, core.PlaceParams{Reseller: seeded.Reseller, VariantCode: "MLBB_ID_5", Reference: "orphan", Destination: "12345678"})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Batch(ctx, func(tx *store.Tx) error {
		jobs, err := tx.JobClaim(ctx, "dead-node", []string{store.JobFulfil}, 10, time.Hour)
		if err == nil && len(jobs) != 1 {
			err = errors.New("job not claimed")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	a, _ := runApp(t, app.Config{DB: url})
	deadline := time.Now().Add(10 * time.Second)
	for {
		o, err := a.Service().Order(ctx, seeded.Reseller.ID, placed.Order.Invoice)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status == order.Success {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("orphaned order still %s: its lease was not released", o.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
