package app_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/app"
	"github.com/kios-h2h/kios/internal/core"
)

// limitsApp runs a server with short timeouts and a strict rate limit, and a funded reseller.
func limitsApp(t *testing.T, cfg app.Config) (*app.App, core.Credentials) {
	t.Helper()
	cfg.DB = "sqlite:" + filepath.Join(t.TempDir(), "kios.db")
	cfg.Demo = true
	a, _ := runApp(t, cfg)
	cr, err := a.Service().CreateReseller(context.Background(), core.NewReseller{Name: "Limits", Membership: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Service().Credit(context.Background(), cr.Reseller.Username, 100_000, "test"); err != nil {
		t.Fatal(err)
	}
	return a, cr
}

// closedWithin reads from conn until the server closes it, and fails unless that happens within
// max; it returns what was read and how long it took.
func closedWithin(t *testing.T, conn net.Conn, max time.Duration) (string, time.Duration) {
	t.Helper()
	start := time.Now()
	_ = conn.SetReadDeadline(start.Add(max))
	got, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("connection still open after %s (read %q)", max, got)
	}
	return string(got), time.Since(start)
}

// TestSlowClientsAreCutOff: a client that sends its headers a byte at a time (slowloris), one
// that never finishes its body, and one that idles on a kept-alive connection are each cut off by
// the server's timeouts, and the half-sent order changes nothing.
func TestSlowClientsAreCutOff(t *testing.T) {
	t.Parallel()
	a, cr := limitsApp(t, app.Config{ReadHeaderTimeout: 300 * time.Millisecond, ReadTimeout: 600 * time.Millisecond, IdleTimeout: 400 * time.Millisecond})
	addr := strings.TrimPrefix(a.BaseURL(), "http://")

	t.Run("slowloris", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			_, _ = io.WriteString(conn, "POST /api/v1/balance HTTP/1.1\r\nHost: kios\r\n")
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				if _, err := io.WriteString(conn, "X"); err != nil {
					return
				}
			}
		}()
		_, took := closedWithin(t, conn, 3*time.Second)
		if took < 200*time.Millisecond {
			t.Errorf("cut off after %s, before the header timeout", took)
		}
	})

	t.Run("unfinished body", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		body := `{"code":"MLBB_ID_5","referenceNumber":"slow-1","data":"081234567890"}`
		fmt.Fprintf(conn, "POST /api/v1/order HTTP/1.1\r\nHost: kios\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", cr.Token, len(body), body[:20])
		got, _ := closedWithin(t, conn, 3*time.Second)
		if got != "" && !strings.Contains(got, `"error":true`) {
			t.Errorf("answer to a body that never came: %q", got)
		}
		if _, err := a.Service().OrderByReference(context.Background(), cr.Reseller.ID, "slow-1"); err == nil {
			t.Error("a half-sent order was placed")
		}
	})

	t.Run("idle keep-alive", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: kios\r\n\r\n")
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		start := time.Now()
		_ = conn.SetReadDeadline(start.Add(3 * time.Second))
		if _, err := br.ReadByte(); errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatal("idle connection still open after 3s")
		} else if err == nil {
			t.Fatal("the server sent something on an idle connection")
		}
		if took := time.Since(start); took < 300*time.Millisecond {
			t.Errorf("idle connection closed after %s, before the idle timeout", took)
		}
	})
}

// TestRateLimitPerResellerAcrossDialects: the limit is per reseller and shared by the dialects;
// another reseller keeps its own budget.
func TestRateLimitPerResellerAcrossDialects(t *testing.T) {
	t.Parallel()
	a, cr := limitsApp(t, app.Config{RateLimit: 0.001, RateBurst: 2})
	other, err := a.Service().CreateReseller(context.Background(), core.NewReseller{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	balance := func(token string) int {
		req, _ := http.NewRequest(http.MethodPost, a.BaseURL()+"/api/v1/balance", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		return resp.StatusCode
	}
	for i := 0; i < 2; i++ {
		if c := balance(cr.Token); c != http.StatusOK {
			t.Fatalf("call %d within the burst: %d", i, c)
		}
	}
	if c := balance(cr.Token); c != http.StatusTooManyRequests {
		t.Fatalf("call beyond the burst: %d, want 429", c)
	}
	// The same reseller speaking Digiswitch has no fresh budget.
	c := ds.New(a.BaseURL(), cr.Reseller.Username, cr.APIKey, ds.WithTimeout(5*time.Second))
	_, err = c.Balance(context.Background())
	var api *ds.APIError
	if !errors.As(err, &api) || api.RC != ds.RCTooFast {
		t.Fatalf("digiswitch balance beyond the burst: %v, want rc %s", err, ds.RCTooFast)
	}
	if c := balance(other.Token); c != http.StatusOK {
		t.Fatalf("another reseller: %d", c)
	}
}
