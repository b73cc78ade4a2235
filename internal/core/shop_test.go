package core_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/route"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

type shopBundle struct {
	db     *store.DB
	svc    *core.Service
	gw     *store.Gateway
	offset atomic.Int64 // added to the real clock, in microseconds
}

// shopSetup is a core with workers on a fresh database, a sandbox gateway and a catalog whose
// MLBB_ID_5 has a retail price (MLBB_ID_10 has only a default one); its clock is the real one
// moved by offset (the sandbox compares expiry times with it).
func shopSetup(t *testing.T, be storetest.Backend) *shopBundle {
	return shopSetupWith(t, be)
}

// shopSetupWith is shopSetup buying MLBB_ID_5 from the scripted suppliers sups, in this order
// (the simulator when there are none).
func shopSetupWith(t *testing.T, be storetest.Backend, sups ...*scripted) *shopBundle {
	t.Helper()
	ctx := context.Background()
	b := &shopBundle{db: be.Open(t)}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	var router core.Router = simroute.New(0)
	if len(sups) > 0 {
		byName := map[string]supplier.Supplier{}
		for _, s := range sups {
			byName[s.name] = s
		}
		router = route.New(b.db, route.Options{Logger: logger,
			Connect: func(s store.Supplier) (supplier.Supplier, error) { return byName[s.Name], nil }})
	}
	svc, err := core.New(ctx, b.db, core.Config{Logger: logger, Router: router,
		Now: func() time.Time { return time.Now().Add(time.Duration(b.offset.Load()) * time.Microsecond) }, PublicURL: publicURL})
	if err != nil {
		t.Fatal(err)
	}
	b.svc = svc
	saveCatalog := func() error {
		return svc.SaveCatalog(ctx, []catalog.Product{{Code: "mobile-legends", Name: "Mobile Legends", Active: true}},
			[]catalog.Variant{
				{ProductCode: "mobile-legends", Code: "MLBB_ID_5", Name: "5 Diamonds", Active: true, UnlimitedStock: true, Multi: true,
					Prices: map[string]int64{"default": 1389, core.RetailTier: 1900}},
				{ProductCode: "mobile-legends", Code: "MLBB_ID_10", Name: "10 Diamonds", Active: true, UnlimitedStock: true, Multi: true,
					Prices: map[string]int64{"default": 2700}},
			})
	}
	if err := saveCatalog(); err != nil {
		t.Fatal(err)
	}
	for i, s := range sups {
		if _, err := svc.AddSupplier(ctx, core.NewSupplier{Name: s.name, Kind: store.KindSimulator}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SyncCatalog(ctx, s.name, []supplier.Item{{Code: "SKU-" + s.name, Name: "5 Diamonds", Cost: 1000, Active: true}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := svc.MapSupplierProduct(ctx, s.name, "SKU-"+s.name, "MLBB_ID_5", i+1); err != nil {
			t.Fatal(err)
		}
	}
	if len(sups) > 0 {
		if err := saveCatalog(); err != nil { // the syncs' repricing undone
			t.Fatal(err)
		}
	}
	b.gw, err = svc.AddGateway(ctx, core.NewGateway{Name: "sandbox", Kind: payment.Sandbox, Methods: []string{"QRIS", "BRIVA"}})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = svc.RunWorkers(runCtx, core.WorkerConfig{Poll: 20 * time.Millisecond}); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return b
}

func (b *shopBundle) checkout(t *testing.T, variant, dest, phone string) *core.ShopCheckoutResult {
	t.Helper()
	res, err := b.svc.ShopCheckout(context.Background(), core.ShopCheckoutParams{VariantCode: variant, Destination: dest, Method: "QRIS",
		Phone: phone, IP: "203.0.113.5"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// waitInvoice waits until the invoice leaves pending, syncing it as the sweeper would.
func (b *shopBundle) waitInvoice(t *testing.T, code string) *store.ShopInvoice {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		inv, err := b.svc.ShopInvoice(context.Background(), code)
		if err != nil {
			t.Fatal(err)
		}
		if inv.Status != store.ShopPending {
			return inv
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("invoice %s still pending", code)
	return nil
}

func (b *shopBundle) balanceOf(t *testing.T, code string) int64 {
	t.Helper()
	bal, err := b.db.Balance(context.Background(), code)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return bal
}

func TestShopPurchaseSucceeds(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := shopSetup(t, be)
		ctx := context.Background()
		res := b.checkout(t, "MLBB_ID_5", "12345678(1234)", "+62 812-3456-7890")
		inv := res.Invoice
		if inv.Amount != 1900 || inv.Phone != "081234567890" || inv.Status != store.ShopUnpaid || !core.IsShopInvoice(inv.Code) {
			t.Fatalf("invoice %+v", inv)
		}
		if res.Payment.QRString == "" || res.Payment.Amount != 1900 {
			t.Fatalf("payment %+v", res.Payment)
		}
		// A checkout holds nothing and moves nothing.
		shop, err := b.svc.ShopReseller(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if bal, _ := b.svc.Balance(ctx, shop.ID); bal != 0 || b.balanceOf(t, ledger.ShopReceiptsCode) != 0 {
			t.Fatalf("checkout moved money: clearing %d", bal)
		}
		ledgerClean(t, b.db)
		if _, _, err := b.svc.SandboxPay(ctx, res.Payment.Reference); err != nil {
			t.Fatal(err)
		}
		// Paying again moves nothing.
		if _, out, err := b.svc.SandboxPay(ctx, res.Payment.Reference); err != nil || len(out.Results) != 1 {
			t.Fatalf("replay: %v %+v", err, out)
		}
		got := b.waitInvoice(t, inv.Code)
		if got.Status != store.ShopSuccess || got.SN == "" || got.OrderInvoice == "" || got.PaidAmount != 1900 {
			t.Fatalf("invoice after payment: %+v", got)
		}
		o, err := b.svc.Order(ctx, shop.ID, got.OrderInvoice)
		if err != nil || o.Price != 1900 || o.Reference != inv.Code || o.Dialect != core.ShopDialect {
			t.Fatalf("order %+v %v", o, err)
		}
		if bal, _ := b.svc.Balance(ctx, shop.ID); bal != 0 {
			t.Fatalf("clearing account holds %d after delivery", bal)
		}
		if b.balanceOf(t, ledger.ShopReceiptsCode) != -1900 || b.balanceOf(t, ledger.RefundsOwedCode) != 0 {
			t.Fatalf("receipts %d owed %d", b.balanceOf(t, ledger.ShopReceiptsCode), b.balanceOf(t, ledger.RefundsOwedCode))
		}
		ledgerClean(t, b.db)
	})
}

func TestShopFailedDeliveryIsARefundOwed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := shopSetup(t, be)
		ctx := context.Background()
		res := b.checkout(t, "MLBB_ID_10", "12340000", "081299990000")
		if res.Invoice.Amount != 2700 {
			t.Fatalf("a variant without a retail price sells at its default: %d", res.Invoice.Amount)
		}
		if _, _, err := b.svc.SandboxPay(ctx, res.Payment.Reference); err != nil {
			t.Fatal(err)
		}
		got := b.waitInvoice(t, res.Invoice.Code)
		if got.Status != store.ShopFailed || got.Reason == "" {
			t.Fatalf("invoice %+v", got)
		}
		if owed := b.balanceOf(t, ledger.RefundsOwedCode); owed != 2700 {
			t.Fatalf("refunds owed %d", owed)
		}
		ledgerClean(t, b.db)
		list, err := b.svc.ShopInvoices(ctx, store.ShopInvoiceFilter{Status: store.ShopFailed})
		if err != nil || len(list) != 1 || list[0].Phone != "081299990000" {
			t.Fatalf("refunds owed list %+v %v", list, err)
		}
		if _, err := b.svc.ShopRefund(ctx, got.Code, "BCA transfer 123"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.ShopRefund(ctx, got.Code, "again"); !errors.Is(err, core.ErrShopNotRefundable) {
			t.Fatalf("second refund: %v", err)
		}
		if owed := b.balanceOf(t, ledger.RefundsOwedCode); owed != 0 || b.balanceOf(t, ledger.ShopReceiptsCode) != 0 {
			t.Fatalf("after refund: owed %d receipts %d", owed, b.balanceOf(t, ledger.ShopReceiptsCode))
		}
		ledgerClean(t, b.db)
	})
}

func TestShopExpiryAndLatePayment(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := shopSetup(t, be)
		ctx := context.Background()
		res := b.checkout(t, "MLBB_ID_5", "55556666", "081211112222")
		b.offset.Store((core.ShopLifetime + time.Minute).Microseconds())
		if err := b.svc.ShopSweep(ctx); err != nil {
			t.Fatal(err)
		}
		inv, err := b.svc.ShopInvoice(ctx, res.Invoice.Code)
		if err != nil || inv.Status != store.ShopExpired {
			t.Fatalf("expired? %+v %v", inv, err)
		}
		ledgerClean(t, b.db)
		// The workers' jobs are due by the real clock: back to it (the invoice stays expired).
		b.offset.Store(0)
		// Paid anyway, after expiry: credited and fulfilled, flagged late.
		if _, _, err := b.svc.SandboxPay(ctx, res.Payment.Reference); err != nil {
			t.Fatal(err)
		}
		got := b.waitInvoice(t, inv.Code)
		if got.Status != store.ShopSuccess || got.Flag != "late" {
			t.Fatalf("late payment: %+v", got)
		}
		ledgerClean(t, b.db)
	})
}

func TestShopPaymentThatCannotBeOrderedIsOwed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := shopSetup(t, be)
		ctx := context.Background()
		// Paid another amount than asked: credited and owed back.
		res := b.checkout(t, "MLBB_ID_5", "77778888", "081233334444")
		body := payment.TripayCallbackBody(res.Payment.Reference, res.Invoice.Code, "QRIS", 1000, 0, "PAID", time.Now())
		h := http.Header{"Content-Type": {"application/json"}, "X-Callback-Event": {payment.TripayEvent},
			"X-Callback-Signature": {payment.HMACSHA256(b.gw.PrivateKey, body)}}
		if _, err := b.svc.PaymentCallback(ctx, core.CallbackIn{Gateway: "sandbox", Header: h, Body: body}); err != nil {
			t.Fatal(err)
		}
		inv, err := b.svc.ShopInvoice(ctx, res.Invoice.Code)
		if err != nil || inv.Status != store.ShopFailed || inv.PaidAmount != 1000 {
			t.Fatalf("mismatched payment: %+v %v", inv, err)
		}
		ledgerClean(t, b.db)
		// The variant was switched off between checkout and payment: owed back.
		res = b.checkout(t, "MLBB_ID_10", "77778888", "081233334444")
		err = b.svc.SaveCatalog(ctx, []catalog.Product{{Code: "mobile-legends", Name: "Mobile Legends", Active: true}},
			[]catalog.Variant{{ProductCode: "mobile-legends", Code: "MLBB_ID_10", Name: "10 Diamonds", Active: false, UnlimitedStock: true,
				Multi: true, Prices: map[string]int64{"default": 2700}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.svc.SandboxPay(ctx, res.Payment.Reference); err != nil {
			t.Fatal(err)
		}
		inv, err = b.svc.ShopInvoice(ctx, res.Invoice.Code)
		if err != nil || inv.Status != store.ShopFailed || inv.PaidAmount != 2700 {
			t.Fatalf("inactive variant: %+v %v", inv, err)
		}
		if owed := b.balanceOf(t, ledger.RefundsOwedCode); owed != 3700 {
			t.Fatalf("refunds owed %d", owed)
		}
		ledgerClean(t, b.db)
	})
}

func TestShopCheckoutRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := shopSetup(t, be)
		ctx := context.Background()
		p := core.ShopCheckoutParams{VariantCode: "MLBB_ID_5", Destination: "12345678", Method: "QRIS", Phone: "12"}
		if _, err := b.svc.ShopCheckout(ctx, p); err == nil {
			t.Fatal("a bad phone was taken")
		}
		p.Phone = "081255556666"
		p.Method = "OVO"
		if _, err := b.svc.ShopCheckout(ctx, p); err == nil {
			t.Fatal("a method no gateway offers was taken")
		}
		p.Method = "QRIS"
		p.VariantCode = "NOPE"
		if _, err := b.svc.ShopCheckout(ctx, p); !errors.Is(err, store.ErrVariantNotFound) {
			t.Fatalf("unknown variant: %v", err)
		}
		p.VariantCode = "MLBB_ID_5"
		for i := 0; i < core.ShopMaxUnpaid; i++ {
			if _, err := b.svc.ShopCheckout(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.svc.ShopCheckout(ctx, p); !errors.Is(err, core.ErrShopTooManyUnpaid) {
			t.Fatalf("unpaid cap: %v", err)
		}
		ledgerClean(t, b.db)
	})
}

// TestShopLateDeliveryDeliversTheInvoice (issue 19): a storefront order failed by the operator
// (forced, its purchase still open upstream) and then delivered by the supplier moves its invoice
// out of Failed: Success with the supplier's SN, the refund owed earned instead (refunds owed →
// revenue, "shop:CODE:late"), the ledger check clean. The same when the late success comes
// before the sweep closed the invoice (still Pending: clearing → revenue). A Refunded invoice
// stays Refunded.
func TestShopLateDeliveryDeliversTheInvoice(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		s1 := &scripted{name: "s1", purchase: pendingPurchase, status: (&switchable{}).status}
		b := shopSetupWith(t, be, s1)
		shop, err := b.svc.ShopReseller(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// paidAndFailed pays an invoice, waits for its purchase to be open upstream and fails its
		// order by hand, forced.
		paidAndFailed := func(dest, phone string) (*store.ShopInvoice, *store.Attempt) {
			t.Helper()
			res := b.checkout(t, "MLBB_ID_5", dest, phone)
			if _, _, err := b.svc.SandboxPay(ctx, res.Payment.Reference); err != nil {
				t.Fatal(err)
			}
			o, err := b.db.OrderByReference(ctx, shop.ID, res.Invoice.Code)
			if err != nil {
				t.Fatal(err)
			}
			var att store.Attempt
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				atts, err := b.db.Attempts(ctx, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(atts) == 1 && atts[0].State == "pending" {
					att = atts[0]
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("attempts %+v, want one pending", atts)
				}
			}
			if _, err := b.svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: order.Failed, Actor: "ops", Force: true}); err != nil {
				t.Fatal(err)
			}
			inv, err := b.db.ShopInvoiceByCode(ctx, res.Invoice.Code)
			if err != nil {
				t.Fatal(err)
			}
			return inv, &att
		}
		late := func(att *store.Attempt, sn string) {
			t.Helper()
			if err := b.svc.ResolveAttempt(ctx, "s1", att.Reference, supplier.Result{State: supplier.Success, SN: sn, Cost: 1000}); err != nil {
				t.Fatal(err)
			}
		}
		revenue := func() int64 { return b.balanceOf(t, ledger.RevenueCode) }

		// Failed first (the sweep closed it: refund owed), then delivered.
		inv, att := paidAndFailed("12345678(1234)", "081234567001")
		if got := b.waitInvoice(t, inv.Code); got.Status != store.ShopFailed || b.balanceOf(t, ledger.RefundsOwedCode) != 1900 {
			t.Fatalf("after the forced failure: %+v, owed %d", got, b.balanceOf(t, ledger.RefundsOwedCode))
		}
		ledgerClean(t, b.db)
		rev := revenue()
		late(att, "SN-LATE-1")
		got, err := b.db.ShopInvoiceByCode(ctx, inv.Code)
		if err != nil || got.Status != store.ShopSuccess || got.SN != "SN-LATE-1" || !strings.Contains(got.Reason, "delivered late") {
			t.Fatalf("invoice after the late delivery: %+v %v", got, err)
		}
		if owed := b.balanceOf(t, ledger.RefundsOwedCode); owed != 0 || revenue() != rev+1900 {
			t.Fatalf("owed %d, revenue %d → %d: want the payment earned", owed, rev, revenue())
		}
		if api, err := b.svc.ShopInvoice(ctx, inv.Code); err != nil || api.Status != store.ShopSuccess {
			t.Fatalf("read through the core: %+v %v", api, err)
		}
		if _, err := b.svc.ShopRefund(ctx, inv.Code, "BCA"); !errors.Is(err, core.ErrShopNotRefundable) {
			t.Fatalf("refund of a delivered invoice: %v", err)
		}
		ledgerClean(t, b.db)
		// Told again (a callback after the poll): nothing moves twice.
		late(att, "SN-LATE-1")
		if b.balanceOf(t, ledger.RefundsOwedCode) != 0 || revenue() != rev+1900 {
			t.Fatalf("a repeated late success moved money")
		}

		// Delivered before the sweep closed it (still Pending): the clearing account's payment is
		// earned, and the sweep finds nothing to owe.
		inv2, att2 := paidAndFailed("22345678(1234)", "081234567002")
		if inv2.Status != store.ShopPending {
			t.Fatalf("invoice read raw right after the failure: %+v", inv2)
		}
		rev = revenue()
		late(att2, "SN-LATE-2")
		if got := b.waitInvoice(t, inv2.Code); got.Status != store.ShopSuccess || got.SN != "SN-LATE-2" {
			t.Fatalf("invoice delivered before the sweep: %+v", got)
		}
		if err := b.svc.ShopSweep(ctx); err != nil {
			t.Fatal(err)
		}
		if bal, _ := b.svc.Balance(ctx, shop.ID); bal != 0 || b.balanceOf(t, ledger.RefundsOwedCode) != 0 || revenue() != rev+1900 {
			t.Fatalf("clearing %d, owed %d, revenue %d → %d", bal, b.balanceOf(t, ledger.RefundsOwedCode), rev, revenue())
		}
		ledgerClean(t, b.db)

		// Refunded before the supplier delivered: it stays Refunded (the buyer has both; the loss
		// is the cost posted).
		inv3, att3 := paidAndFailed("32345678(1234)", "081234567003")
		if got := b.waitInvoice(t, inv3.Code); got.Status != store.ShopFailed {
			t.Fatalf("third invoice %+v", got)
		}
		if _, err := b.svc.ShopRefund(ctx, inv3.Code, "BCA 0123"); err != nil {
			t.Fatal(err)
		}
		rev = revenue()
		late(att3, "SN-LATE-3")
		if got, _ := b.db.ShopInvoiceByCode(ctx, inv3.Code); got.Status != store.ShopRefunded || revenue() != rev {
			t.Fatalf("refunded invoice after a late delivery: %+v, revenue %d → %d", got, rev, revenue())
		}
		ledgerClean(t, b.db)
	})
}

// TestShopGatewayRefund (issue 19): a failed invoice whose gateway has a refund API (the sandbox
// here; Midtrans and Xendit against fakes in package payment) is paid back by the sweep through
// it: Refunded, the refund owed out of the ledger, its state done with the gateway's id; a second
// sweep asks nothing again and moves nothing; the ledger check clean.
func TestShopGatewayRefund(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := shopSetup(t, be)
		ctx := context.Background()
		res := b.checkout(t, "MLBB_ID_10", "12340000", "081299990001")
		if _, _, err := b.svc.SandboxPay(ctx, res.Payment.Reference); err != nil {
			t.Fatal(err)
		}
		if got := b.waitInvoice(t, res.Invoice.Code); got.Status != store.ShopFailed || b.balanceOf(t, ledger.RefundsOwedCode) != 2700 {
			t.Fatalf("before the sweep: %+v, owed %d", got, b.balanceOf(t, ledger.RefundsOwedCode))
		}
		for i := 0; i < 2; i++ {
			if err := b.svc.ShopSweep(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := b.db.ShopInvoiceByCode(ctx, res.Invoice.Code)
			if err != nil || got.Status != store.ShopRefunded || !strings.Contains(got.Reason, "refunded: through sandbox (SBX-REFUND-"+got.Code+"-refund)") {
				t.Fatalf("sweep %d: %+v %v", i, got, err)
			}
			state, ref, err := b.db.ShopRefundStateOf(ctx, got.ID)
			if err != nil || state != store.ShopRefundDone || ref != "SBX-REFUND-"+got.Code+"-refund" {
				t.Fatalf("sweep %d: refund state %q %q %v", i, state, ref, err)
			}
			if owed := b.balanceOf(t, ledger.RefundsOwedCode); owed != 0 || b.balanceOf(t, ledger.ShopReceiptsCode) != 0 {
				t.Fatalf("sweep %d: owed %d receipts %d", i, owed, b.balanceOf(t, ledger.ShopReceiptsCode))
			}
			ledgerClean(t, b.db)
		}
		if _, err := b.svc.ShopRefund(ctx, res.Invoice.Code, "by hand too"); !errors.Is(err, core.ErrShopNotRefundable) {
			t.Fatalf("a refund by hand after the gateway's: %v", err)
		}

		// While a gateway refund may be under way (claimed, not answered), a refund by hand is
		// refused and moves nothing; the sweep then finishes it through the gateway.
		res2 := b.checkout(t, "MLBB_ID_10", "22340000", "081299990002")
		if _, _, err := b.svc.SandboxPay(ctx, res2.Payment.Reference); err != nil {
			t.Fatal(err)
		}
		inv2 := b.waitInvoice(t, res2.Invoice.Code)
		shop, err := b.svc.ShopReseller(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.db.BatchKey(ctx, shop.ID, func(tx *store.Tx) error {
			ok, err := tx.ShopRefundClaim(ctx, inv2.ID)
			if err == nil && !ok {
				err = errors.New("not claimed")
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.ShopRefund(ctx, inv2.Code, "by hand"); !errors.Is(err, core.ErrShopRefundUnderway) {
			t.Fatalf("a refund by hand while the gateway's is under way: %v", err)
		}
		if owed := b.balanceOf(t, ledger.RefundsOwedCode); owed != 2700 {
			t.Fatalf("owed %d after a refused refund by hand", owed)
		}
		if err := b.svc.ShopSweep(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := b.db.ShopInvoiceByCode(ctx, inv2.Code); got.Status != store.ShopRefunded || b.balanceOf(t, ledger.RefundsOwedCode) != 0 {
			t.Fatalf("after the sweep: %+v", got)
		}
		ledgerClean(t, b.db)
	})
}
