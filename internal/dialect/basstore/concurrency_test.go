package basstore_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestIdempotentRetry sends the same order again and again: one order, one charge, one invoice.
func TestIdempotentRetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := basstoretest.New(t, basstoretest.Config{Backend: b, Workers: true})
		e.Fund(t, e.A, 10000)
		body := `{"code":"MLBB_ID_5","referenceNumber":"retry-1","data":"12345678(1234)"}`
		var first string
		for i := 0; i < 5; i++ {
			code, ans := call(t, e, http.MethodPost, "/api/v1/order", e.A.Token, body)
			if code != http.StatusOK {
				t.Fatalf("try %d: %d %s", i, code, ans)
			}
			inv := invoiceOf(t, ans)
			if first == "" {
				first = inv
				// Retries after the order is final too.
				e.WaitFinal(t, e.A, first)
			} else if inv != first {
				t.Fatalf("try %d: invoice %s, first was %s", i, inv, first)
			}
		}
		if got := e.Balance(t, e.A); got != 10000-1389 {
			t.Fatalf("balance %d, want %d", got, 10000-1389)
		}
		if n := e.OrderCount(t); n != 1 {
			t.Fatalf("%d orders", n)
		}
		// The same reference is another reseller's own business.
		e.Fund(t, e.B, 10000)
		code, ans := call(t, e, http.MethodPost, "/api/v1/order", e.B.Token, body)
		if code != http.StatusOK || invoiceOf(t, ans) == first {
			t.Fatalf("B's order under A's reference: %d %s", code, ans)
		}
		e.CheckLedger(t)
	})
}

// TestConcurrentOrdersExactFunds funds a reseller for exactly n orders and fires 3n at once:
// exactly n are accepted, the rest refused with 402, and the balance ends at 0.
func TestConcurrentOrdersExactFunds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := basstoretest.New(t, basstoretest.Config{Backend: b, Workers: true})
		const n = 25
		e.Fund(t, e.A, n*1389)
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			codes    = map[int]int{}
			invoices []string
		)
		start := make(chan struct{})
		for i := 0; i < 3*n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				body := fmt.Sprintf(`{"code":"MLBB_ID_5","referenceNumber":"c-%d","data":"1234%d"}`, i, i)
				code, ans := call(t, e, http.MethodPost, "/api/v1/order", e.A.Token, body)
				mu.Lock()
				defer mu.Unlock()
				codes[code]++
				if code == http.StatusOK {
					invoices = append(invoices, invoiceOf(t, ans))
				}
			}()
		}
		close(start)
		wg.Wait()
		if codes[200] != n || codes[402] != 2*n || len(codes) != 2 {
			t.Fatalf("answers %v, want %d×200 and %d×402", codes, n, 2*n)
		}
		if got := e.Balance(t, e.A); got != 0 {
			t.Fatalf("balance %d after accepting %d", got, n)
		}
		e.CheckLedger(t)
		for _, inv := range invoices {
			if o := e.WaitFinal(t, e.A, inv); o.Status != order.Success {
				t.Fatalf("%s: %s", inv, o.Status)
			}
		}
		if got := e.Balance(t, e.A); got != 0 {
			t.Fatalf("balance %d after fulfilment", got)
		}
		if n2 := e.OrderCount(t); n2 != n {
			t.Fatalf("%d orders stored, want %d", n2, n)
		}
		e.CheckLedger(t)
	})
}

// TestConcurrentDuplicates sends one order many times at once: one order, one charge, and every
// answer names the same invoice.
func TestConcurrentDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := basstoretest.New(t, basstoretest.Config{Backend: b})
		e.Fund(t, e.A, 100000)
		const k = 32
		body := `{"code":"MLBB_ID_12","referenceNumber":"dup-1","data":"987654"}`
		var wg sync.WaitGroup
		got := make([]string, k)
		start := make(chan struct{})
		for i := 0; i < k; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				code, ans := call(t, e, http.MethodPost, "/api/v1/order", e.A.Token, body)
				if code != http.StatusOK {
					t.Errorf("duplicate %d: %d %s", i, code, ans)
					return
				}
				got[i] = invoiceOf(t, ans)
			}()
		}
		close(start)
		wg.Wait()
		for i := range got {
			if got[i] != got[0] {
				t.Fatalf("answer %d names %s, answer 0 %s", i, got[i], got[0])
			}
		}
		if n := e.OrderCount(t); n != 1 {
			t.Fatalf("%d orders", n)
		}
		if bal := e.Balance(t, e.A); bal != 100000-3300 {
			t.Fatalf("balance %d", bal)
		}
		list, err := e.Svc.Orders(context.Background(), store.OrderFilter{ResellerID: e.A.Reseller.ID})
		if err != nil || len(list) != 1 || list[0].Invoice != got[0] {
			t.Fatalf("orders %v %v", list, err)
		}
		e.CheckLedger(t)
	})
}
