package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/shop"
	"github.com/kios-h2h/kios/internal/store"
)

// shopNotice applies a gateway's notice when it is about a storefront invoice's payment; ok is
// false for any other (a deposit's), which PaymentCallback applies as before.
func (s *Service) shopNotice(ctx context.Context, g *store.Gateway, n payment.Notice) (res string, ok bool, err error) {
	pay, err := s.db.PaymentByReference(ctx, g.ID, n.Reference)
	var inv *store.ShopInvoice
	switch {
	case err == nil:
		if pay.TicketID != 0 || pay.ResellerID == 0 {
			return "", false, nil
		}
		inv, err = s.db.ShopInvoiceByPayment(ctx, pay.ID)
	case errors.Is(err, store.ErrPaymentNotFound):
		// Not recorded yet (the checkout died between asking the gateway and recording its
		// answer): the invoice is found by the code the provider echoes.
		if !IsShopInvoice(n.OrderID) {
			return "", false, nil
		}
		pay = nil
		inv, err = s.db.ShopInvoiceByCode(ctx, n.OrderID)
		if err == nil && inv.GatewayID != g.ID {
			return "", false, nil
		}
	default:
		return "", true, err
	}
	if errors.Is(err, store.ErrShopInvoiceNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", true, err
	}
	if n.OrderID != "" && n.OrderID != inv.Code {
		return "", false, nil
	}
	shop, err := s.ShopReseller(ctx)
	if err != nil {
		return "", true, err
	}
	if pay == nil {
		pay = &store.Payment{GatewayID: g.ID, Reference: n.Reference, ResellerID: shop.ID, Method: n.Method, Amount: inv.Amount,
			Status: store.PaymentPending, ExpiresAt: inv.ExpiresAt}
	}
	switch n.Status {
	case payment.Paid:
		res, err = s.shopPaid(ctx, g, shop, inv, pay, n)
		return res, true, err
	case payment.Expired, payment.Failed:
		status := store.PaymentExpired
		if n.Status == payment.Failed {
			status = store.PaymentFailed
		}
		err := s.inReseller(context.WithoutCancel(ctx), shop.ID, func(tx *store.Tx) error {
			if err := s.shopPaymentRow(ctx, tx, g, pay, inv); err != nil {
				return err
			}
			_, err := tx.PaymentSettle(ctx, pay.ID, []string{store.PaymentPending}, store.Payment{Status: status, Detail: clip(n.Detail, 200)})
			return err
		})
		if err != nil {
			return "", true, err
		}
		s.shopClose(context.WithoutCancel(ctx), shop.ID, inv, store.ShopExpired, "payment "+string(n.Status))
		return "invoice " + inv.Code + " " + string(n.Status) + ": nothing credited", true, nil
	case payment.Refunded:
		s.log.Warn("a storefront payment was refunded by its gateway", "gateway", g.Name, "reference", n.Reference, "invoice", inv.Code)
		return "refunded by the gateway: for the operator", true, nil
	}
	return "pending: nothing to do", true, nil
}

// shopPaymentRow inserts pay when it was not recorded yet (a callback before the checkout's
// answer was written) and attaches it to its invoice.
func (s *Service) shopPaymentRow(ctx context.Context, tx *store.Tx, g *store.Gateway, pay *store.Payment, inv *store.ShopInvoice) error {
	if pay.ID != 0 {
		return nil
	}
	if _, err := tx.PaymentInsert(ctx, pay); err != nil {
		return err
	}
	cur, err := tx.PaymentByReference(ctx, g.ID, pay.Reference)
	if err != nil {
		return err
	}
	pay.ID = cur.ID
	return tx.ShopInvoiceAttach(ctx, inv.ID, g.ID, pay.ID)
}

// shopCredit settles a paid payment and credits what was paid into the storefront's clearing
// account (txn "shop:CODE:credit"), with the gateway's fee from receipts to fees: the first
// half of every paid invoice's transaction. A settled payment is errReplay.
func (s *Service) shopCredit(ctx context.Context, tx *store.Tx, g *store.Gateway, shopID int64, pay *store.Payment, inv *store.ShopInvoice,
	n payment.Notice, late bool) error {
	if err := s.shopPaymentRow(ctx, tx, g, pay, inv); err != nil {
		return err
	}
	upd := store.Payment{Status: store.PaymentPaid, CreditTxn: "shop:" + inv.Code + ":credit", PaidAmount: n.Amount, Fee: n.Fee,
		PaidAt: s.now(), Detail: clip(n.Detail, 200)}
	if late {
		upd.Flag = "late"
	}
	ok, err := tx.PaymentSettle(ctx, pay.ID, []string{store.PaymentPending, store.PaymentExpired, store.PaymentFailed}, upd)
	if err != nil {
		return err
	}
	if !ok {
		return errReplay
	}
	receipts, _, err := s.shopAccounts(ctx, tx)
	if err != nil {
		return err
	}
	ra, err := s.resellerAccounts(ctx, tx, shopID)
	if err != nil {
		return err
	}
	if err := tx.Transfer(ctx, upd.CreditTxn, receipts, ra.available, n.Amount, "invoice "+inv.Code+" paid via "+g.Name); err != nil {
		return err
	}
	if n.Fee > 0 {
		fees, err := tx.SystemAccountEnsure(ctx, ledger.FeesCode, ledger.Fees)
		if err != nil {
			return err
		}
		return tx.Transfer(ctx, fmt.Sprintf("payment:%d:fee", pay.ID), receipts, fees, n.Fee, "fee of "+g.Name)
	}
	return nil
}

// shopPaid credits a paid invoice and places its order, in one transaction (PlaceParams.fund).
// When the order cannot be placed (sold out, price above what was paid, a repeat refused by
// the multi rule…), or the buyer paid another amount than asked, the payment is credited all
// the same and owed back, in one transaction: late or not, paid money is never lost.
func (s *Service) shopPaid(ctx context.Context, g *store.Gateway, shop *reseller.Reseller, inv *store.ShopInvoice, pay *store.Payment,
	n payment.Notice) (string, error) {
	if n.Amount <= 0 || n.Amount > payment.MaxAmount {
		return "", fmt.Errorf("invoice %s paid %d: %w", inv.Code, n.Amount, payment.ErrMalformed)
	}
	now := s.now()
	late := inv.Status == store.ShopExpired || now.After(inv.ExpiresAt)
	paidInv := *inv
	paidInv.PaidAmount, paidInv.PaidAt = n.Amount, now
	if late {
		paidInv.Flag = "late"
	}
	var why string
	if n.Amount != inv.Amount {
		why = fmt.Sprintf("paid %d but the invoice asks %d", n.Amount, inv.Amount)
	} else {
		placed, err := s.PlaceOrder(ctx, PlaceParams{Reseller: shop, VariantCode: inv.VariantCode, Reference: inv.Code, Destination: inv.Destination,
			MaxPrice: inv.Amount, Dialect: ShopDialect,
			fund: func(ctx context.Context, tx *store.Tx, o *order.Order) error {
				if err := s.shopCredit(ctx, tx, g, shop.ID, pay, inv, n, late); err != nil {
					return err
				}
				upd := paidInv
				upd.Status, upd.OrderInvoice = store.ShopPending, o.Invoice
				ok, err := tx.ShopInvoiceSettle(ctx, inv.ID, []string{store.ShopUnpaid, store.ShopExpired}, upd)
				if err != nil {
					return err
				}
				if !ok {
					return errReplay
				}
				return nil
			}})
		switch {
		case errors.Is(err, errReplay):
			return "already settled: nothing moved", nil
		case err == nil && !placed.Created:
			return "already ordered: nothing moved", nil
		case err == nil:
			s.log.Info("storefront invoice paid and ordered", "invoice", inv.Code, "order", placed.Order.Invoice, "amount", n.Amount,
				"gateway", g.Name, "late", late)
			return fmt.Sprintf("credited %d, order %s placed (invoice %s)", n.Amount, placed.Order.Invoice, inv.Code), nil
		case !refusesOrder(err):
			return "", err // the provider sends it again
		}
		why = "order refused: " + err.Error()
	}
	// Credited and owed back, in one transaction.
	err := s.inReseller(context.WithoutCancel(ctx), shop.ID, func(tx *store.Tx) error {
		if err := s.shopCredit(ctx, tx, g, shop.ID, pay, inv, n, late); err != nil {
			return err
		}
		upd := paidInv
		upd.Status, upd.Reason, upd.DoneAt = store.ShopFailed, clip(why, 200), now
		ok, err := tx.ShopInvoiceSettle(ctx, inv.ID, []string{store.ShopUnpaid, store.ShopExpired}, upd)
		if err != nil {
			return err
		}
		if !ok {
			return errReplay
		}
		return s.shopOwe(ctx, tx, shop.ID, inv.Code, n.Amount)
	})
	if errors.Is(err, errReplay) {
		return "already settled: nothing moved", nil
	}
	if err != nil {
		return "", fmt.Errorf("credit invoice %s: %w", inv.Code, err)
	}
	s.log.Warn("storefront payment owed back", "invoice", inv.Code, "amount", n.Amount, "phone", inv.Phone, "why", why)
	return fmt.Sprintf("credited %d and owed back (invoice %s): %s", n.Amount, inv.Code, why), nil
}

// shopOwe moves a failed invoice's payment from the clearing account to refunds owed.
func (s *Service) shopOwe(ctx context.Context, tx *store.Tx, shopID int64, code string, amount int64) error {
	_, owed, err := s.shopAccounts(ctx, tx)
	if err != nil {
		return err
	}
	ra, err := s.resellerAccounts(ctx, tx, shopID)
	if err != nil {
		return err
	}
	return tx.Transfer(ctx, "shop:"+code+":owed", ra.available, owed, amount, "refund owed for invoice "+code)
}

// refusesOrder tells PlaceOrder's refusals of the order itself from failures to answer.
func refusesOrder(err error) bool {
	if _, ok := IsFieldError(err); ok {
		return true
	}
	for _, e := range []error{store.ErrVariantNotFound, catalog.ErrInactive, catalog.ErrCutoff, catalog.ErrOutOfStock, catalog.ErrNoPrice,
		catalog.ErrDisrupted, catalog.ErrWrongOperator, catalog.ErrIDNotFound, order.ErrMultiRefused, order.ErrPriceAboveMax,
		order.ErrInsufficientBalance, order.ErrReferenceConflict} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// ShopSync closes a pending invoice whose order has settled: delivered, its SN is recorded and
// any surplus of the payment over the order's price goes to revenue ("shop:CODE:margin");
// failed, the whole payment becomes a refund owed ("shop:CODE:owed"). Each in one transaction
// guarded by the invoice's status, so running it twice moves nothing twice.
func (s *Service) ShopSync(ctx context.Context, inv *shop.Invoice) (*shop.Invoice, error) {
	if inv.Status != store.ShopPending {
		return inv, nil
	}
	shop, err := s.ShopReseller(ctx)
	if err != nil {
		return nil, err
	}
	o, err := s.db.OrderByReference(ctx, shop.ID, inv.Code)
	if err != nil {
		return nil, fmt.Errorf("order of invoice %s: %w", inv.Code, err)
	}
	if o.Status == order.Pending {
		return inv, nil
	}
	upd := *inv
	upd.DoneAt = s.now()
	err = s.inReseller(ctx, shop.ID, func(tx *store.Tx) error {
		if o.Status == order.Success {
			upd.Status, upd.SN = store.ShopSuccess, o.SN
		} else {
			upd.Status, upd.Reason = store.ShopFailed, clip(o.Message, 200)
		}
		ok, err := tx.ShopInvoiceSettle(ctx, inv.ID, []string{store.ShopPending}, upd)
		if err != nil || !ok {
			return err
		}
		if o.Status != order.Success {
			return s.shopOwe(ctx, tx, shop.ID, inv.Code, inv.PaidAmount)
		}
		if surplus := inv.PaidAmount - o.Price; surplus > 0 {
			ra, err := s.resellerAccounts(ctx, tx, shop.ID)
			if err != nil {
				return err
			}
			return tx.Transfer(ctx, "shop:"+inv.Code+":margin", ra.available, s.sys.revenue, surplus, "invoice "+inv.Code+" paid above the price")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("close invoice %s: %w", inv.Code, err)
	}
	if upd.Status == store.ShopFailed {
		s.log.Warn("storefront order failed: refund owed", "invoice", inv.Code, "order", o.Invoice, "amount", inv.PaidAmount, "phone", inv.Phone)
	}
	return s.db.ShopInvoiceByCode(ctx, inv.Code)
}

// shopLateInTx, inside the transaction that recorded a late delivery of the Failed order o (in the
// storefront's lock domain, as o is its order), delivers o's invoice when o is a storefront
// order: the supplier delivered to the buyer's account after all, so the buyer's payment is no
// longer owed back but earned. A Failed invoice (its refund owed, not yet paid back) goes to
// success with the SN, and what was paid from refunds owed to revenue; one still Pending (the
// sweep had not closed it) goes to success with what was paid from the clearing account (where
// the order's release put it) to revenue; txn "shop:CODE:late" either way. A Refunded invoice is
// left alone: the buyer has both, the loss is the cost posted. It returns the invoice's code
// when it moved one. The invoice's status guard makes it once.
func (s *Service) shopLateInTx(ctx context.Context, tx *store.Tx, o *order.Order, att *store.Attempt) (string, error) {
	if !IsShopInvoice(o.Reference) {
		return "", nil
	}
	inv, err := tx.ShopInvoiceByCode(ctx, o.Reference)
	if errors.Is(err, store.ErrShopInvoiceNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	// A reseller may use a reference of the invoice's shape: the invoice must name this order.
	if inv.OrderInvoice != o.Invoice || (inv.Status != store.ShopFailed && inv.Status != store.ShopPending) {
		return "", nil
	}
	upd := *inv
	upd.Status, upd.SN, upd.DoneAt = store.ShopSuccess, att.SN, s.now()
	upd.Reason = clip("delivered late by "+att.Supplier+" after the order failed", 200)
	ok, err := tx.ShopInvoiceSettle(ctx, inv.ID, []string{inv.Status}, upd)
	if err != nil || !ok {
		return "", err
	}
	from := int64(0)
	if inv.Status == store.ShopFailed {
		if _, from, err = s.shopAccounts(ctx, tx); err != nil {
			return "", err
		}
	} else {
		ra, err := s.orderAccounts(ctx, tx, o)
		if err != nil {
			return "", err
		}
		from = ra.available
	}
	if inv.PaidAmount > 0 {
		if err := tx.Transfer(ctx, "shop:"+inv.Code+":late", from, s.sys.revenue, inv.PaidAmount, "invoice "+inv.Code+" delivered late"); err != nil {
			return "", err
		}
	}
	return inv.Code, nil
}

// shopRefunded records a failed invoice's refund, in one transaction under the storefront's key:
// the invoice failed → refunded (ErrShopNotRefundable when it is no longer failed), the refund
// owed leaves the ledger ("shop:CODE:refund", refunds owed → receipts), and, for a refund made
// through the gateway, its refund state done with the gateway's id (state, ref).
func (s *Service) shopRefunded(ctx context.Context, inv *store.ShopInvoice, note, state, ref string) error {
	shop, err := s.ShopReseller(ctx)
	if err != nil {
		return err
	}
	code := inv.Code
	upd := *inv
	upd.Status, upd.Reason, upd.DoneAt = store.ShopRefunded, clip(inv.Reason+"; refunded: "+note, 200), s.now()
	err = s.inReseller(ctx, shop.ID, func(tx *store.Tx) error {
		ok, err := tx.ShopInvoiceSettle(ctx, inv.ID, []string{store.ShopFailed}, upd)
		if err != nil {
			return err
		}
		if !ok {
			return ErrShopNotRefundable
		}
		if state != "" {
			if err := tx.ShopRefundState(ctx, inv.ID, state, ref); err != nil {
				return err
			}
		} else if cur, _, err := tx.ShopRefundStateOf(ctx, inv.ID); err != nil {
			return err
		} else if cur == store.ShopRefundPending {
			return ErrShopRefundUnderway
		}
		receipts, owed, err := s.shopAccounts(ctx, tx)
		if err != nil {
			return err
		}
		return tx.Transfer(ctx, "shop:"+code+":refund", owed, receipts, inv.PaidAmount, "refund of invoice "+code+" to "+inv.Phone)
	})
	if err != nil {
		return fmt.Errorf("refund invoice %s: %w", code, err)
	}
	return nil
}

// shopGatewayRefunds pays failed invoices back through their gateway's refund API, where it has
// one (payment.Refunder: Midtrans, Xendit, the sandbox), each under the idempotency key
// "CODE-refund" so that asking again never refunds twice. Refunded: recorded as the operator's
// refund is (shopRefunded), noted with the gateway's id. Accepted but not done (pending): asked
// again next round. Refused, or a gateway without a refund API: left for the operator, listed
// with the buyer's contact as before, and not asked again. Unclear (the gateway down): asked
// again next round.
func (s *Service) shopGatewayRefunds(ctx context.Context) error {
	codes, err := s.db.ShopRefundsToAsk(ctx, 50)
	if err != nil {
		return err
	}
	for _, code := range codes {
		if err := s.shopGatewayRefund(ctx, code); err != nil {
			s.log.Warn("storefront refund through the gateway", "invoice", code, "err", err)
		}
	}
	return nil
}

func (s *Service) shopGatewayRefund(ctx context.Context, code string) error {
	inv, err := s.db.ShopInvoiceByCode(ctx, code)
	if err != nil {
		return err
	}
	setState := func(state, ref string) error {
		shop, err := s.ShopReseller(ctx)
		if err != nil {
			return err
		}
		return s.inReseller(ctx, shop.ID, func(tx *store.Tx) error { return tx.ShopRefundState(ctx, inv.ID, state, ref) })
	}
	if inv.Status != store.ShopFailed {
		return nil
	}
	if inv.PaymentID == 0 || inv.PaidAmount <= 0 {
		return setState(store.ShopRefundNone, "")
	}
	pay, err := s.db.PaymentByID(ctx, inv.PaymentID)
	if err != nil {
		return err
	}
	g, err := s.db.GatewayByID(ctx, pay.GatewayID)
	if err != nil {
		return err
	}
	adapter, err := s.gatewayAdapter(g, s.publicURL)
	if err != nil {
		return err
	}
	rf, ok := adapter.(payment.Refunder)
	if !ok {
		return setState(store.ShopRefundNone, "")
	}
	// Claimed before the gateway is asked, under the storefront's key: from here a refund by hand
	// is refused (ErrShopRefundUnderway) until the gateway's answer says done or refused, so the
	// buyer is never paid back twice.
	shop, err := s.ShopReseller(ctx)
	if err != nil {
		return err
	}
	var claimed bool
	if err := s.inReseller(ctx, shop.ID, func(tx *store.Tx) (err error) {
		claimed, err = tx.ShopRefundClaim(ctx, inv.ID)
		return err
	}); err != nil || !claimed {
		return err
	}
	res, err := rf.Refund(ctx, payment.Refund{Reference: pay.Reference, OrderID: inv.Code, Amount: inv.PaidAmount, Key: inv.Code + "-refund",
		Reason: clip("Pesanan gagal: "+inv.Reason, 200)})
	switch {
	case errors.Is(err, payment.ErrNoRefund), errors.Is(err, payment.ErrRefused):
		s.log.Warn("storefront refund refused by the gateway: pay it back by hand", "invoice", inv.Code, "gateway", g.Name, "phone", inv.Phone, "err", err)
		return setState(store.ShopRefundRefused, "")
	case err != nil:
		return err // unclear: asked again next round, under the same key
	case res.Status == payment.Pending:
		return setState(store.ShopRefundPending, res.Reference)
	case res.Status != payment.Refunded:
		return fmt.Errorf("gateway %s answered the refund of %s with %q", g.Name, inv.Code, res.Status)
	}
	err = s.shopRefunded(ctx, inv, "through "+g.Name+" ("+res.Reference+")", store.ShopRefundDone, res.Reference)
	if errors.Is(err, ErrShopNotRefundable) {
		return nil // the operator recorded it meanwhile
	}
	if err == nil {
		s.log.Info("storefront refund made through the gateway", "invoice", inv.Code, "gateway", g.Name, "refund", res.Reference, "amount", inv.PaidAmount)
	}
	return err
}

// ShopSweep expires unpaid invoices past their time and closes pending ones whose order settled.
func (s *Service) ShopSweep(ctx context.Context) error {
	due, err := s.db.ShopInvoices(ctx, store.ShopInvoiceFilter{Status: store.ShopUnpaid, Before: s.now(), Limit: 500})
	if err != nil {
		return err
	}
	if len(due) > 0 {
		shop, err := s.ShopReseller(ctx)
		if err != nil {
			return err
		}
		for i := range due {
			s.shopClose(ctx, shop.ID, &due[i], store.ShopExpired, "")
		}
	}
	pending, err := s.db.ShopInvoices(ctx, store.ShopInvoiceFilter{Status: store.ShopPending, Limit: 500})
	if err != nil {
		return err
	}
	for i := range pending {
		if _, err := s.ShopSync(ctx, &pending[i]); err != nil {
			return err
		}
	}
	return s.shopGatewayRefunds(ctx)
}

// ShopEvery sweeps the storefront's invoices every d until ctx ends.
func (s *Service) ShopEvery(ctx context.Context, d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		if err := s.ShopSweep(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("storefront sweep", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ShopRefund records that the operator paid a failed invoice's money back to the buyer (by
// transfer, or at the gateway's dashboard): the refund owed leaves the ledger
// ("shop:CODE:refund", refunds owed → receipts). ErrShopNotRefundable unless it owes one.
func (s *Service) ShopRefund(ctx context.Context, code, note string) (*shop.Invoice, error) {
	if err := plainText("note", note); err != nil {
		return nil, err
	}
	inv, err := s.db.ShopInvoiceByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if inv.Status != store.ShopFailed {
		return nil, fmt.Errorf("invoice %s is %s: %w", code, inv.Status, ErrShopNotRefundable)
	}
	if err := s.shopRefunded(ctx, inv, note, "", ""); err != nil {
		return nil, err
	}
	s.log.Info("storefront refund recorded", "invoice", code, "amount", inv.PaidAmount)
	return s.db.ShopInvoiceByCode(ctx, code)
}
