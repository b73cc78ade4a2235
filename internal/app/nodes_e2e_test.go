package app_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, to inspect the database

	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestTwoNodesOnPostgres runs two `kios serve` processes on one PostgreSQL database: a storm of
// orders through both, every fourth reference sent to both nodes at the same instant, then one
// node SIGKILLed while purchases are in flight. The survivor takes the dead node's orders over
// once their leases run out. Afterwards every reference made one order, every order is final
// exactly once and was sent upstream once, and `kios ledger check` is clean.
func TestTwoNodesOnPostgres(t *testing.T) {
	t.Parallel()
	pg := os.Getenv(storetest.PostgresEnv)
	if pg == "" {
		t.Skip("needs PostgreSQL: set " + storetest.PostgresEnv)
	}
	db := storetest.PostgresSchema(t, pg)
	const lease = "2s"
	// 8 workers a node and 1s a purchase: the 120 orders take several seconds to fulfil.
	n1 := start(t, db, "--demo", "--sim-delay", "1s", "--lease", lease, "--node", "n1", "--workers", "8", "--rate-limit", "0")
	n2 := start(t, db, "--sim-delay", "1s", "--lease", lease, "--node", "n2", "--workers", "8", "--rate-limit", "0")
	nodes := []*server{n1, n2}

	var cr struct {
		Username string `json:"username"`
		Token    string `json:"token"`
	}
	if err := json.Unmarshal([]byte(mustKios(t, db, "reseller", "create", "--name", "Two Nodes", "--membership", "demo", "--json")), &cr); err != nil {
		t.Fatal(err)
	}
	const initial = 1_000_000
	mustKios(t, db, "deposit", "credit", "--reseller", cr.Username, "--amount", fmt.Sprint(initial))
	n2.mustCall(cr.Token, "/api/v1/balance", nil, nil) // skips if the dialect is not built in

	// The storm: 120 references; every tenth destination fails upstream. Every fourth
	// reference goes to both nodes at once, and both must answer with the same invoice.
	const n = 120
	const price = 1389 // MLBB_ID_5 at the demo tier
	type placed struct{ invoice, dest string }
	results := make([]placed, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := 0; i < n; i++ {
		dest := fmt.Sprintf("0812%06d", i)
		if i%10 == 0 {
			dest = fmt.Sprintf("0812%04d0000", i)
		}
		targets := []*server{nodes[i%2]}
		if i%4 == 0 {
			targets = nodes
		}
		var mu sync.Mutex
		for _, s := range targets {
			wg.Add(1)
			go func(i int, s *server) {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				status, env, err := s.post(cr.Token, "/api/v1/order", orderReq{"MLBB_ID_5", fmt.Sprintf("two-%d", i), dest})
				var out struct {
					InvoiceNumber string `json:"invoiceNumber"`
				}
				if err == nil && (status != http.StatusOK || json.Unmarshal(env.Data, &out) != nil || out.InvoiceNumber == "") {
					err = fmt.Errorf("order %d: %d %+v", i, status, env)
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if prev := results[i].invoice; prev != "" && prev != out.InvoiceNumber {
					t.Errorf("reference two-%d made two orders: %s and %s", i, prev, out.InvoiceNumber)
				}
				results[i] = placed{out.InvoiceNumber, dest}
			}(i, s)
		}
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	raw, err := sql.Open("pgx", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	// Kill node 1 while it holds orders mid-purchase (each takes 1s upstream).
	var held int
	for deadline := time.Now().Add(10 * time.Second); held == 0 && time.Now().Before(deadline); {
		if err := raw.QueryRow(`SELECT COUNT(*) FROM jobs WHERE locked_by = 'n1'`).Scan(&held); err != nil {
			t.Fatal(err)
		}
	}
	if held == 0 {
		t.Fatal("node 1 never claimed an order")
	}
	if err := n1.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	n1.wait(10 * time.Second)
	killed := time.Now()

	var invoices []string
	for _, r := range results {
		invoices = append(invoices, r.invoice)
	}
	final := n2.waitFinal(cr.Token, invoices, 90*time.Second)
	t.Logf("node 1 killed holding %d orders; all %d orders final through node 2 %s later", held, n, time.Since(killed).Round(time.Millisecond))

	var spent int64
	for _, r := range results {
		want := "Success"
		if strings.HasSuffix(r.dest, "0000") {
			want = "Failed"
		}
		if final[r.invoice] != want {
			t.Errorf("order %s to %s ended %s, want %s", r.invoice, r.dest, final[r.invoice], want)
		}
		if final[r.invoice] == "Success" {
			spent += price
		}
	}
	var bal struct {
		Balance int64 `json:"balance"`
	}
	n2.mustCall(cr.Token, "/api/v1/balance", nil, &bal)
	if bal.Balance != initial-spent {
		t.Errorf("balance %d, want %d - %d = %d", bal.Balance, initial, spent, initial-spent)
	}
	if code, out := kios(t, db, "ledger", "check"); code != 0 {
		t.Errorf("ledger check after the kill: exit %d\n%s", code, out)
	}

	for _, c := range []struct {
		what  string
		query string
		want  int
	}{
		{"orders", `SELECT COUNT(*) FROM orders`, n},
		{"orders sent upstream more than once", `SELECT COUNT(*) FROM (SELECT order_id FROM attempts GROUP BY order_id HAVING COUNT(*) > 1) x`, 0},
		// An order's postings are keyed by (order_id, kind): 0 hold, 1 capture, 2 release.
		{"orders settled more than once", `SELECT COUNT(*) FROM (SELECT order_id FROM postings WHERE order_id IS NOT NULL GROUP BY order_id, kind HAVING COUNT(*) > 1) x`, 0},
		{"settlements", `SELECT COUNT(*) FROM postings WHERE order_id IS NOT NULL AND kind IN (1, 2)`, n},
		{"order postings left unkeyed", `SELECT COUNT(*) FROM postings WHERE txn LIKE 'order:%'`, 0},
		{"fulfilment jobs left", `SELECT COUNT(*) FROM jobs WHERE kind = 'fulfil'`, 0},
	} {
		var got int
		if err := raw.QueryRow(c.query).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s: %d, want %d", c.what, got, c.want)
		}
	}
}
