package app_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestCrashStorm runs an order storm from several resellers (with repeated references) against
// the real binary and SIGKILLs the server at random moments, restarting it on the same database
// each time. Afterwards every order any client was told of is final exactly once, each reference
// names one order, no balance was charged twice, nothing was bought upstream twice, and the
// ledger check passes.
func TestCrashStorm(t *testing.T) {
	t.Parallel()
	const (
		kills     = 12
		resellers = 4
		clients   = 12
		funded    = 50_000_000
	)
	prices := map[string]int64{"MLBB_ID_5": 1389, "FF_5": 890, "MLBB_ID_12": 3330}
	codes := []string{"MLBB_ID_5", "FF_5", "MLBB_ID_12"}
	db := tempDB(t)
	serveArgs := []string{"--sim-delay", "30ms", "--rate-limit", "0"}
	first := start(t, db, append(serveArgs, "--demo")...)

	type account struct{ username, token string }
	accounts := make([]account, resellers)
	for i := range accounts {
		var cr struct{ Username, Token string }
		out := mustKios(t, db, "reseller", "create", "--name", fmt.Sprintf("Storm %d", i), "--membership", "demo", "--json")
		if err := json.Unmarshal([]byte(out), &cr); err != nil {
			t.Fatal(err)
		}
		mustKios(t, db, "deposit", "credit", "--reseller", cr.Username, "--amount", fmt.Sprint(funded))
		accounts[i] = account{cr.Username, cr.Token}
	}
	first.mustCall(accounts[0].token, "/api/v1/balance", nil, nil) // skips if the dialect is not built in

	// What the clients learnt. A reference is sent again (same body) now and then on purpose,
	// and always after an unknown outcome; every answer for it must name the same invoice.
	type sent struct {
		req      orderReq
		reseller int
	}
	var (
		mu       sync.Mutex
		refs     = map[string]sent{}   // every reference sent
		invoices = map[string]string{} // reference -> invoice, once answered
		bad      []string
	)
	var cur atomic.Pointer[server]
	cur.Store(first)
	learn := func(ref, invoice string) {
		mu.Lock()
		defer mu.Unlock()
		if prev, ok := invoices[ref]; ok && prev != invoice {
			bad = append(bad, fmt.Sprintf("reference %s answered %s, then %s", ref, prev, invoice))
		}
		invoices[ref] = invoice
	}
	send := func(s sent) bool {
		code, env, err := cur.Load().post(accounts[s.reseller].token, "/api/v1/order", s.req)
		if err != nil || code >= 500 {
			return false // unknown outcome: resent at the end
		}
		if code != http.StatusOK {
			mu.Lock()
			bad = append(bad, fmt.Sprintf("order %+v: %d %s", s.req, code, env.Message))
			mu.Unlock()
			return true
		}
		var d struct {
			InvoiceNumber string `json:"invoiceNumber"`
		}
		if json.Unmarshal(env.Data, &d) != nil || d.InvoiceNumber == "" {
			mu.Lock()
			bad = append(bad, fmt.Sprintf("order %+v: no invoice in %s", s.req, env.Data))
			mu.Unlock()
			return true
		}
		learn(s.req.ReferenceNumber, d.InvoiceNumber)
		return true
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var seq atomic.Int64
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			var mine []sent
			for {
				select {
				case <-stop:
					return
				default:
				}
				var s sent
				if len(mine) > 0 && rng.IntN(4) == 0 {
					s = mine[rng.IntN(len(mine))] // a duplicate
				} else {
					n := seq.Add(1)
					dest := fmt.Sprintf("0813%06d2", n)
					if n%10 == 0 {
						dest = fmt.Sprintf("0813%02d0000", n%100) // fails upstream: refunded
					}
					s = sent{orderReq{codes[n%int64(len(codes))], fmt.Sprintf("storm-%d", n), dest}, c % resellers}
					mine = append(mine, s)
					mu.Lock()
					refs[s.req.ReferenceNumber] = s
					mu.Unlock()
				}
				if !send(s) {
					time.Sleep(20 * time.Millisecond) // the server is down: wait for the next one
				}
			}
		}(c)
	}

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for k := 0; k < kills; k++ {
		time.Sleep(time.Duration(50+rng.IntN(350)) * time.Millisecond)
		s := cur.Load()
		if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		s.wait(10 * time.Second)
		cur.Store(start(t, db, serveArgs...))
	}
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	final := cur.Load()

	// Resend every reference whose answer was lost: it either names the order the server did
	// accept, or places it now. Either way each reference ends with exactly one known invoice.
	mu.Lock()
	var unknown []sent
	for ref, s := range refs {
		if _, ok := invoices[ref]; !ok {
			unknown = append(unknown, s)
		}
	}
	mu.Unlock()
	for _, s := range unknown {
		if !send(s) {
			t.Fatalf("order %+v: no answer from a healthy server", s.req)
		}
	}
	if len(bad) > 0 {
		t.Fatalf("%d bad answers, first: %s", len(bad), bad[0])
	}
	if len(invoices) != len(refs) {
		t.Fatalf("%d references, %d with an invoice", len(refs), len(invoices))
	}

	byReseller := make([][]string, resellers)
	for ref, inv := range invoices {
		r := refs[ref].reseller
		byReseller[r] = append(byReseller[r], inv)
	}
	raw, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(db, "sqlite:")+"?_pragma=busy_timeout(5000)&mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var success, failed int
	for r, invs := range byReseller {
		status := final.waitFinal(accounts[r].token, invs, 60*time.Second)
		var spent int64
		for ref, inv := range invoices {
			if refs[ref].reseller != r {
				continue
			}
			switch status[inv] {
			case "Success":
				spent += prices[refs[ref].req.Code]
				success++
				if strings.HasSuffix(refs[ref].req.Data, "0000") {
					t.Errorf("%s to a failing number succeeded", inv)
				}
			case "Failed":
				failed++
			}
		}
		var bal struct {
			Balance int64 `json:"balance"`
		}
		final.mustCall(accounts[r].token, "/api/v1/balance", nil, &bal)
		if bal.Balance != funded-spent {
			t.Errorf("reseller %s: balance %d, want %d - %d = %d", accounts[r].username, bal.Balance, funded, spent, funded-spent)
		}
	}
	t.Logf("%d kills, %d references (%d resent after a lost answer): %d succeeded, %d failed", kills, len(refs), len(unknown), success, failed)
	if success < 50 {
		t.Errorf("only %d orders succeeded: the storm did not storm", success)
	}

	// The database holds exactly the orders the clients know of, each bought at most once.
	var orders int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM orders o JOIN resellers r ON r.id = o.reseller_id WHERE r.username LIKE 'storm%'`).Scan(&orders); err != nil {
		t.Fatal(err)
	}
	if orders != len(invoices) {
		t.Errorf("%d orders in the database, clients know of %d", orders, len(invoices))
	}
	var twice int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM (SELECT order_id FROM attempts GROUP BY order_id HAVING COUNT(*) > 1)`).Scan(&twice); err != nil {
		t.Fatal(err)
	}
	if twice != 0 {
		t.Errorf("%d orders were sent upstream more than once", twice)
	}
	if code, out := kios(t, db, "ledger", "check"); code != 0 {
		t.Errorf("ledger check: exit %d\n%s", code, out)
	}
}
