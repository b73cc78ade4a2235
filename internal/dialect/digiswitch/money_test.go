package digiswitch_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/digiswitch"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestOneBalance: a reseller credited through the core and buying through this dialect and
// through the core directly (as the BASSTORE-style API does) has one balance, on every backend.
func TestOneBalance(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, setupOpts{backend: &be, noCredit: true})
		b.Run()
		ctx := context.Background()
		if _, err := b.Svc.Credit(ctx, b.user(), 20000, "test"); err != nil {
			t.Fatal(err)
		}
		b.wantRC(ds.PathTransaction, b.trx("", "s5", "081234567890", "one-1"), ds.RCPending)
		if _, err := b.Svc.PlaceOrder(ctx, core.PlaceParams{Reseller: b.Reseller.Reseller, VariantCode: "s5", Reference: "one-2", Destination: "081234567891"}); err != nil {
			t.Fatal(err)
		}
		// The reference space is shared: the core's order is this dialect's ref_id too.
		b.wantRC(ds.PathTransaction, b.trx("", "s5", "081234567899", "one-2"), ds.RCRefConflict)
		b.WaitOrder(b.T, "one-1")
		b.WaitOrder(b.T, "one-2")
		d := b.data(ds.PathBalance, ds.BalanceRequest{Username: b.user(), Sign: b.sign("depo")})
		want := int64(20000 - 2*5005)
		if got := b.Balance(b.T); got != want || d["deposit"] != float64(want) {
			t.Fatalf("core balance %d, cek-saldo %v, want %d", got, d["deposit"], want)
		}
		d = b.wantRC(ds.PathTransaction, b.trx("", "s5", "081234567890", "one-1"), ds.RCSuccess)
		if d["balance"] != float64(want) {
			t.Fatalf("balance in answer %v, want %d", d["balance"], want)
		}
		b.CheckLedger(b.T)
	})
}

// TestConcurrentDuplicates: the same transaction sent many times at once makes one order and one
// charge, and every answer names it.
func TestConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	before := b.Balance(b.T)
	req := b.trx("", "s5", "081234567890", "dup-1")
	var wg sync.WaitGroup
	answers := make([]string, 24)
	for i := range answers {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, raw := b.post(ds.PathTransaction, req)
			answers[i] = string(raw)
		}(i)
	}
	wg.Wait()
	for _, a := range answers {
		if !strings.Contains(a, `"ref_id":"dup-1"`) || !strings.Contains(a, `"rc":"03"`) {
			t.Fatalf("answer %s", a)
		}
	}
	if n := b.OrderCount(b.T); n != 1 {
		t.Fatalf("%d orders", n)
	}
	if got := b.Balance(b.T); got != before-5005 {
		t.Fatalf("balance %d, want %d", got, before-5005)
	}
	b.CheckLedger(b.T)
}

// TestTestingMovesNoMoney: testing:true runs on the simulator and leaves the balance alone.
func TestTestingMovesNoMoney(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.Run()
	before := b.Balance(b.T)
	req := b.trx("", "s5", "081234567890", "test-1")
	req.Testing = true
	b.wantRC(ds.PathTransaction, req, ds.RCPending)
	if o := b.WaitOrder(b.T, "test-1"); o.Status != order.Success || !o.Testing {
		t.Fatalf("order %+v", o)
	}
	d := b.wantRC(ds.PathTransaction, req, ds.RCSuccess)
	if d["balance"] != float64(before) || b.Balance(b.T) != before {
		t.Fatalf("balance %v / %d, want %d", d["balance"], b.Balance(b.T), before)
	}
	// The same ref_id without testing is another transaction.
	req.Testing = false
	b.wantRC(ds.PathTransaction, req, ds.RCRefConflict)
	// A testing bill: inquired and paid, no money moved.
	inq := b.trx(ds.CommandInquiry, "dspln", "530000000001", "test-2")
	inq.Testing = true
	b.wantRC(ds.PathTransaction, inq, ds.RCSuccess)
	inq.Command = ds.CommandPay
	b.wantRC(ds.PathTransaction, inq, ds.RCPending)
	b.WaitOrder(b.T, "test-2")
	if b.Balance(b.T) != before {
		t.Fatalf("balance %d after a testing bill, want %d", b.Balance(b.T), before)
	}
	b.CheckLedger(b.T)
}

// TestPayPasca: pay without inquiry, twice, concurrently, on another day, and the same bill under
// another ref_id.
func TestPayPasca(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.Run()
	T := ds.PathTransaction
	before := b.Balance(b.T)
	b.wantRC(T, b.trx(ds.CommandPay, "dspln", "530000000001", "pay-0"), ds.RCNotFound)

	inq := b.wantRC(T, b.trx(ds.CommandInquiry, "dspln", "530000000001", "pay-1"), ds.RCSuccess)
	price := int64(inq["price"].(float64))
	if inq["selling_price"].(float64)-inq["price"].(float64) != 100 || inq["admin"] != float64(2500) {
		t.Fatalf("inquiry %v", inq)
	}
	if b.Balance(b.T) != before {
		t.Fatal("an inquiry charged")
	}
	// Inquiring again answers the same bill without charging.
	again := b.wantRC(T, b.trx(ds.CommandInquiry, "dspln", "530000000001", "pay-1"), ds.RCSuccess)
	if again["price"] != inq["price"] || again["name"] != inq["name"] {
		t.Fatalf("second inquiry %v", again)
	}
	// Another code or customer under the same ref_id is another transaction.
	b.wantRC(T, b.trx(ds.CommandPay, "dspln", "530000000002", "pay-1"), ds.RCRefConflict)
	b.wantRC(T, b.trx(ds.CommandPay, "aetra", "530000000001", "pay-1"), ds.RCRefConflict)

	var wg sync.WaitGroup
	answers := make([]map[string]any, 12)
	for i := range answers {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, raw := b.post(T, b.trx(ds.CommandPay, "dspln", "530000000001", "pay-1"))
			answers[i] = map[string]any{"raw": string(raw)}
		}(i)
	}
	wg.Wait()
	for _, a := range answers {
		raw := a["raw"].(string)
		if !strings.Contains(raw, `"ref_id":"pay-1"`) || !(strings.Contains(raw, `"rc":"03"`) || strings.Contains(raw, `"rc":"00"`)) {
			t.Fatalf("pay answer %s", raw)
		}
	}
	if b.OrderCount(b.T) != 1 || b.Balance(b.T) != before-price {
		t.Fatalf("orders %d, balance %d, want 1 and %d", b.OrderCount(b.T), b.Balance(b.T), before-price)
	}
	b.WaitOrder(b.T, "pay-1")
	d := b.wantRC(T, b.trx(ds.CommandPay, "dspln", "530000000001", "pay-1"), ds.RCSuccess)
	if d["sn"] == "" || b.Balance(b.T) != before-price {
		t.Fatalf("second pay %v, balance %d", d, b.Balance(b.T))
	}
	b.wantRC(T, b.trx(ds.CommandStatus, "dspln", "530000000001", "pay-1"), ds.RCSuccess)
	// The same bill under another ref_id: already paid this month.
	b.wantRC(T, b.trx(ds.CommandInquiry, "dspln", "530000000001", "pay-2"), ds.RCBillUnavailable)

	// An inquiry paid on another Jakarta day is refused; inquiring again that day refreshes it.
	b.wantRC(T, b.trx(ds.CommandInquiry, "aetra", "7654321", "pay-3"), ds.RCSuccess)
	b.clock.Add(24 * time.Hour)
	b.wantRC(T, b.trx(ds.CommandPay, "aetra", "7654321", "pay-3"), ds.RCBillUnavailable)
	if b.OrderCount(b.T) != 1 || b.Balance(b.T) != before-price {
		t.Fatalf("refused payment changed something: orders %d, balance %d", b.OrderCount(b.T), b.Balance(b.T))
	}
	b.wantRC(T, b.trx(ds.CommandInquiry, "aetra", "7654321", "pay-3"), ds.RCSuccess)
	b.wantRC(T, b.trx(ds.CommandPay, "aetra", "7654321", "pay-3"), ds.RCPending)
	b.WaitOrder(b.T, "pay-3")
	b.CheckLedger(b.T)
}

func TestUnknownEndpoint(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	status, raw := b.post("/v1/user/api/nope", `{}`)
	if status != http.StatusNotFound || !strings.Contains(string(raw), `"rc":"40"`) {
		t.Fatalf("HTTP %d %s", status, raw)
	}
	resp, err := http.Get(b.Server.URL + ds.PathBalance)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET: HTTP %d", resp.StatusCode)
	}
}

func TestCallbackBody(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.Run()
	ctx := context.Background()
	b.wantRC(ds.PathTransaction, b.trx("", "s5", "081234567890", "cb-1"), ds.RCPending)
	b.wantRC(ds.PathTransaction, b.trx(ds.CommandInquiry, "aetra", "1234567", "cb-2"), ds.RCSuccess)
	b.wantRC(ds.PathTransaction, b.trx(ds.CommandPay, "aetra", "1234567", "cb-2"), ds.RCPending)
	pre, post := b.WaitOrder(b.T, "cb-1"), b.WaitOrder(b.T, "cb-2")
	body, err := digiswitch.CallbackBody(ctx, b.Svc, pre)
	if err != nil || !strings.Contains(string(body), `"ref_id":"cb-1"`) || !strings.Contains(string(body), `"rc":"00"`) ||
		strings.Contains(string(body), `"selling_price"`) {
		t.Fatalf("prepaid callback %s %v", body, err)
	}
	body, err = digiswitch.CallbackBody(ctx, b.Svc, post)
	if err != nil || !strings.Contains(string(body), `"ref_id":"cb-2"`) || !strings.Contains(string(body), `"selling_price"`) ||
		!strings.Contains(string(body), `"meter_awal"`) {
		t.Fatalf("postpaid callback %s %v", body, err)
	}
	sig := ds.CallbackSignature(body, b.Reseller.APIKey)
	if !ds.VerifyCallback(body, sig, b.Reseller.APIKey) || ds.VerifyCallback(body, sig, "other") || ds.VerifyCallback(append(body, ' '), sig, b.Reseller.APIKey) {
		t.Fatal("callback signature")
	}
}
