package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// created is what `kios reseller create --json` prints.
type created struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Token    string `json:"token"`
	APIKey   string `json:"api_key"`
}

func createReseller(t *testing.T, db, name string, funds int64) created {
	t.Helper()
	var c created
	if err := json.Unmarshal([]byte(mustKios(t, db, "reseller", "create", "--name", name, "--json")), &c); err != nil {
		t.Fatal(err)
	}
	mustKios(t, db, "deposit", "credit", "--reseller", c.Username, "--amount", fmt.Sprint(funds))
	return c
}

// TestChainedInstances runs three real Kios processes: A sells to B over the BASSTORE dialect,
// B sells to C over the Digiswitch dialect, and orders placed at C are fulfilled by A's simulator. Every instance keeps its
// own books; they must agree with one another, and each ledger must check clean.
func TestChainedInstances(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts three servers")
	}
	dbA, dbB, dbC := tempDB(t), tempDB(t), tempDB(t)
	// The instances call one another back on 127.0.0.1.
	a := start(t, dbA, "--demo", "--sim-delay", "20ms", "--callback-allow-private")
	const fundsB, fundsC, fundsShop = 1_000_000, 500_000, 200_000

	// B buys from A as A's reseller "b"; A calls B back at /callback/a.
	bAtA := createReseller(t, dbA, "B", fundsB)
	b := start(t, dbB, "--callback-allow-private")
	mustKios(t, dbA, "reseller", "set-callback", bAtA.Username, b.base+"/callback/a")
	mustKios(t, dbB, "supplier", "add", "--name", "a", "--kind", "basstore", "--base-url", a.base, "--token", bAtA.Token, "--callback-secret", bAtA.APIKey)
	if out := mustKios(t, dbB, "catalog", "sync", "--supplier", "a"); !strings.Contains(out, "variants created") {
		t.Fatalf("sync at B: %s", out)
	}

	// C buys from B over the Digiswitch dialect, as B's reseller "c"; B calls C back Digiswitch-style.
	cAtB := createReseller(t, dbB, "C", fundsC)
	c := start(t, dbC)
	mustKios(t, dbB, "reseller", "set-callback", cAtB.Username, c.base+"/callback/b")
	mustKios(t, dbC, "supplier", "add", "--name", "b", "--kind", "digiswitch", "--base-url", b.base, "--username", cAtB.Username, "--api-key", cAtB.APIKey)
	if out := mustKios(t, dbC, "catalog", "sync", "--supplier", "b"); !strings.Contains(out, "variants created") {
		t.Fatalf("sync at C: %s", out)
	}
	if out := mustKios(t, dbC, "supplier", "list"); strings.Contains(out, cAtB.Token) || strings.Contains(out, cAtB.APIKey) {
		t.Fatalf("supplier list prints secrets:\n%s", out)
	}

	// A shop orders at C: one success, one failure, one that stays Pending a while at A.
	shop := createReseller(t, dbC, "Shop", fundsShop)
	var invoices []string
	for i, dest := range []string{"12345678(1234)", "5550000", "5551111"} {
		var ans struct {
			InvoiceNumber string `json:"invoiceNumber"`
		}
		c.mustCall(shop.Token, "/api/v1/order", orderReq{Code: "MLBB_ID_5", ReferenceNumber: fmt.Sprint("shop-", i), Data: dest}, &ans)
		invoices = append(invoices, ans.InvoiceNumber)
	}
	final := c.waitFinal(shop.Token, invoices, 60*time.Second)
	if final[invoices[0]] != "Success" || final[invoices[1]] != "Failed" || final[invoices[2]] != "Success" {
		t.Fatalf("final states at C: %v", final)
	}

	ctx := context.Background()
	storeA, storeB, storeC := storetest.OpenURL(t, dbA), storetest.OpenURL(t, dbB), storetest.OpenURL(t, dbC)
	bal := func(db *store.DB, code string) int64 {
		v, err := db.Balance(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// What each instance spent at its supplier is what that supplier took from its account there.
	for _, hop := range []struct {
		name           string
		seller, buyer  *store.DB
		acct           created
		funds          int64
		supplier       string
		wantSuccessful int
	}{
		{"A→B", storeA, storeB, bAtA, fundsB, "a", 2},
		{"B→C", storeB, storeC, cAtB, fundsC, "b", 2},
	} {
		spent := hop.funds - bal(hop.seller, ledger.AvailableCode(hop.acct.ID))
		if held := bal(hop.seller, ledger.HeldCode(hop.acct.ID)); held != 0 {
			t.Fatalf("%s: %d still held at the seller", hop.name, held)
		}
		sup, err := hop.buyer.SupplierByName(ctx, hop.supplier)
		if err != nil {
			t.Fatal(err)
		}
		cost := -bal(hop.buyer, ledger.SupplierCode(sup.ID))
		if spent <= 0 || spent != cost || bal(hop.buyer, ledger.CostCode) != cost {
			t.Fatalf("%s: seller took %d, buyer booked cost %d (cost account %d)", hop.name, spent, cost, bal(hop.buyer, ledger.CostCode))
		}
		orders, err := hop.seller.OrderList(ctx, store.OrderFilter{ResellerID: hop.acct.ID})
		if err != nil {
			t.Fatal(err)
		}
		var ok, failed int
		for _, o := range orders {
			switch o.Status {
			case order.Success:
				ok++
			case order.Failed:
				failed++
			}
		}
		if ok != hop.wantSuccessful || failed != 1 || len(orders) != 3 {
			t.Fatalf("%s: seller has %d orders (%d success, %d failed): one upstream order per downstream order", hop.name, len(orders), ok, failed)
		}
	}
	// The shop paid C exactly its successful orders; C's revenue less cost is its margin.
	shopSpent := fundsShop - bal(storeC, ledger.AvailableCode(shop.ID))
	if rev := bal(storeC, ledger.RevenueCode); rev != shopSpent || rev <= bal(storeC, ledger.CostCode) {
		t.Fatalf("C: shop spent %d, revenue %d, cost %d", shopSpent, rev, bal(storeC, ledger.CostCode))
	}
	// A and B called their buyer back for every final order, and were answered 2xx.
	for name, db := range map[string]*store.DB{"A": storeA, "B": storeB} {
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			jobs, err := db.JobList(ctx, store.JobCallback)
			if err != nil {
				t.Fatal(err)
			}
			if len(jobs) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: callbacks still queued: %+v", name, jobs)
			}
		}
	}
	for name, db := range map[string]string{"A": dbA, "B": dbB, "C": dbC} {
		if code, out := kios(t, db, "ledger", "check"); code != 0 {
			t.Fatalf("ledger check at %s: exit %d\n%s", name, code, out)
		}
	}
	if out := mustKios(t, dbC, "report", "margin"); !strings.Contains(out, "MLBB_ID_5") {
		t.Fatalf("margin report at C:\n%s", out)
	}
}
