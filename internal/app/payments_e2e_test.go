package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/payment/paytest"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// resellerBalance reads a reseller's available balance with `kios reseller list --json`.
func resellerBalance(t *testing.T, db, username string) int64 {
	t.Helper()
	var list []struct {
		Username string `json:"username"`
		Balance  int64  `json:"balance"`
	}
	if err := json.Unmarshal([]byte(mustKios(t, db, "reseller", "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		if r.Username == username {
			return r.Balance
		}
	}
	t.Fatalf("no reseller %s", username)
	return 0
}

// TestDemoTopUpByQRIS: on `kios serve --demo` (the real binary), the demo reseller tops up by
// QRIS with no operator: the Digiswitch deposit endpoint with method QRIS answers the sandbox's
// instructions, its pay link on the server pays them (a Tripay-signed callback through the same
// verification), the balance grows by exactly the amount once, opening the link again moves
// nothing, and the ledger check is clean. Both backends.
func TestDemoTopUpByQRIS(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.URL(t)
		s := start(t, db, "--demo")
		m := apiKeyRE.FindStringSubmatch(s.stdout.String())
		if m == nil {
			t.Fatalf("no api key in the banner:\n%s", s.stdout.String())
		}
		before := resellerBalance(t, db, "demo")
		dep, err := digiswitch.New(s.base, "demo", m[1]).DepositPay(context.Background(), 100_000, "QRIS")
		if err != nil || dep.RC != digiswitch.RCSuccess || dep.QRString == "" || !strings.HasPrefix(dep.CheckoutURL, s.base+payment.SandboxPayPath) {
			t.Fatalf("deposit by QRIS: %+v %v", dep, err)
		}
		for i := 0; i < 2; i++ {
			resp, err := http.Get(dep.CheckoutURL)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), "Pembayaran diterima") {
				t.Fatalf("pay link: %d %s", resp.StatusCode, body)
			}
		}
		if got := resellerBalance(t, db, "demo"); got != before+dep.Amount {
			t.Fatalf("balance %d, want %d + %d", got, before, dep.Amount)
		}
		if code, out := kios(t, db, "ledger", "check"); code != 0 {
			t.Fatalf("ledger check: %d %s", code, out)
		}
	})
}

// TestPaymentCrashBeforeCredit kills the real binary (SIGKILL) between a callback's verification
// and its credit: Midtrans's callback verified, Kios waiting on the status API it confirms every
// payment with. After a restart the provider sends the callback again (twice): the ticket is
// credited exactly once and the ledger check is clean. Both backends.
func TestPaymentCrashBeforeCredit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.URL(t)
		fake := paytest.New(t)
		// The provider as Kios sees it: the fake, except that status queries hang while hold is
		// set (each one reported on entered), as a provider's API that stops answering.
		var hold atomic.Bool
		entered := make(chan struct{}, 4)
		target, _ := url.Parse(fake.URL)
		proxy := httputil.NewSingleHostReverseProxy(target)
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/status") && hold.Load() {
				entered <- struct{}{}
				select {
				case <-r.Context().Done():
				case <-time.After(30 * time.Second):
				}
				return
			}
			proxy.ServeHTTP(w, r)
		}))
		t.Cleanup(api.Close)

		s := start(t, db)
		mustKios(t, db, "gateway", "add", "--name", "mid", "--kind", "midtrans", "--base-url", api.URL, "--server-key", paytest.ServerKey,
			"--methods", "qris")
		mustKios(t, db, "reseller", "create", "--name", "Toko Crash", "--username", "tokocrash")
		var p struct {
			Ticket string `json:"ticket"`
			Amount int64  `json:"amount"`
		}
		if err := json.Unmarshal([]byte(mustKios(t, db, "deposit", "pay", "--reseller", "tokocrash", "--amount", "100000", "--gateway", "mid", "--json")), &p); err != nil {
			t.Fatal(err)
		}
		fake.SetStatus(p.Ticket, "settlement", "accept")
		h, body := fake.Callback(payment.Midtrans, p.Ticket)
		send := func(base string) (int, error) {
			req, _ := http.NewRequest(http.MethodPost, base+"/callback/payment/mid", bytes.NewReader(body))
			req.Header = h.Clone()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err
			}
			resp.Body.Close()
			return resp.StatusCode, nil
		}

		hold.Store(true)
		go func() { _, _ = send(s.base) }() // answered never: the server dies first
		select {
		case <-entered:
		case <-time.After(20 * time.Second):
			t.Fatal("the callback never reached the status query")
		}
		if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		s.wait(10 * time.Second)
		if got := resellerBalance(t, db, "tokocrash"); got != 0 {
			t.Fatalf("credited %d before the status was confirmed", got)
		}

		hold.Store(false)
		s2 := start(t, db)
		for i := 0; i < 2; i++ {
			if code, err := send(s2.base); err != nil || code != 200 {
				t.Fatalf("callback after restart: %d %v", code, err)
			}
		}
		if got := resellerBalance(t, db, "tokocrash"); got != p.Amount {
			t.Fatalf("balance %d, want %d once", got, p.Amount)
		}
		if code, out := kios(t, db, "ledger", "check"); code != 0 {
			t.Fatalf("ledger check: %d %s", code, out)
		}
	})
}
