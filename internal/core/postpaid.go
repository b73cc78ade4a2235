package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/bill"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
)

// InquiryTimeout bounds a biller's answer to an inquiry (and a PLN customer check): the reseller
// is waiting on the line, and nothing is charged, so it may simply ask again.
const InquiryTimeout = 30 * time.Second

// maxSheets bounds the months one bill may cover (ten years), well past any biller's real limit.
const maxSheets = 120

// BillParams is a postpaid inquiry, payment or status check as a dialect received it.
type BillParams struct {
	Reseller    *reseller.Reseller
	VariantCode string
	Reference   string
	CustomerNo  string
	Testing     bool // simulator only, no money moved
	Dialect     string
	CallbackURL string
	// RefField, CodeField and DestField name the request fields in the caller's dialect.
	RefField, CodeField, DestField string
}

func (p *BillParams) validate() error {
	if p.RefField == "" {
		p.RefField, p.CodeField, p.DestField = "ref_id", "code", "customer_no"
	}
	return checkOrderFields(p.CodeField, p.RefField, p.DestField, p.VariantCode, p.Reference, p.CustomerNo)
}

// sameBill reports whether a request names the same bill as an earlier inquiry.
func (p *BillParams) sameBill(q *bill.Inquiry) bool {
	return q.VariantCode == p.VariantCode && q.CustomerNo == p.CustomerNo && q.Testing == p.Testing
}

// Inquire looks a customer's bill up at the biller and records it under the reseller's reference,
// quoting admin, commission and price. It charges nothing. Inquiring again under the same
// reference on the same day (or after payment) returns the recorded inquiry without asking the
// biller; on a later day an unpaid inquiry is refreshed.
//
// Errors: *FieldError, order.ErrReferenceConflict, store.ErrVariantNotFound, catalog.ErrInactive,
// catalog.ErrCutoff, bill.ErrUnavailable, bill.ErrCustomer, bill.ErrBillerDown.
func (s *Service) Inquire(ctx context.Context, p BillParams) (*bill.Inquiry, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	r := p.Reseller
	now := s.now()
	day := catalog.Day(now)
	if prev, err := s.db.InquiryByReference(ctx, r.ID, p.Reference); err == nil {
		if !p.sameBill(prev) {
			return nil, order.ErrReferenceConflict
		}
		if prev.OrderID != 0 || prev.Day == day {
			return prev, nil
		}
	} else if !errors.Is(err, bill.ErrNotInquired) {
		return nil, err
	} else if _, err := s.db.OrderByReference(ctx, r.ID, p.Reference); err == nil {
		return nil, order.ErrReferenceConflict // a prepaid order has this reference
	} else if !errors.Is(err, order.ErrNotFound) {
		return nil, err
	} else if err := s.referenceNotArchived(ctx, r.ID, p.Reference); err != nil {
		return nil, err
	}

	v, err := s.postpaidVariant(ctx, p.VariantCode)
	if err != nil {
		return nil, err
	}
	if !p.Testing {
		paid, err := s.db.MultiGuardHeld(ctx, v.ID, p.CustomerNo, bill.PaidKey(day))
		if err != nil {
			return nil, err
		}
		if paid {
			return nil, fmt.Errorf("%w: paid this month already", bill.ErrUnavailable)
		}
	}
	biller, name, sku, err := s.biller(ctx, v, p.CustomerNo, p.Testing)
	if err != nil {
		return nil, err
	}
	// The reseller's reference is unique only per reseller; upstream, the inquiry (and then its
	// payment, under the same reference) needs one unique across Kios.
	upRef := "KIOS-BILL-" + reseller.NewSecret(10)
	ictx, cancel := context.WithTimeout(ctx, InquiryTimeout)
	b, err := biller.Inquire(ictx, supplier.BillRequest{Reference: upRef, SKU: sku, Product: v.ProductCode,
		CustomerNo: p.CustomerNo, AdminPerSheet: v.Admin})
	cancel()
	switch {
	case errors.Is(err, supplier.ErrNoBill):
		return nil, bill.ErrUnavailable
	case errors.Is(err, supplier.ErrUnknownCustomer):
		return nil, bill.ErrCustomer
	case err != nil:
		s.log.Warn("bill inquiry failed", "variant", v.Code, "reference", p.Reference, "err", err)
		return nil, fmt.Errorf("%w: %w", bill.ErrBillerDown, err)
	}
	if b.Amount < 0 || b.Penalty < 0 || b.Amount > ledger.MaxAmount || b.Penalty > ledger.MaxAmount || b.Sheets > maxSheets {
		// Not a bill: quoting it would wrap int64 arithmetic or clamp a negative price to nothing.
		s.log.Warn("implausible bill", "variant", v.Code, "reference", p.Reference, "amount", b.Amount, "penalty", b.Penalty, "sheets", b.Sheets)
		return nil, fmt.Errorf("%w: implausible bill (amount %d, penalty %d, %d sheets)", bill.ErrBillerDown, b.Amount, b.Penalty, b.Sheets)
	}
	admin, commission, price, selling := bill.Prices(b.Amount, b.Penalty, b.Sheets, v.Admin, v.Commission)
	if price <= 0 || price > ledger.MaxAmount {
		// A bill paid for nothing would be paid upstream by Kios (a commission set above the bill).
		s.log.Warn("implausible bill quote", "variant", v.Code, "reference", p.Reference, "price", price)
		return nil, fmt.Errorf("%w: quote of %d for a bill of %d", bill.ErrBillerDown, price, b.Amount+b.Penalty)
	}
	in := &bill.Inquiry{
		ResellerID: r.ID, Reference: p.Reference, VariantID: v.ID, VariantCode: v.Code, CustomerNo: p.CustomerNo,
		CustomerName: b.CustomerName, Day: day, Sheets: b.Sheets, Amount: b.Amount, Penalty: b.Penalty,
		Admin: admin, Commission: commission, Price: price, SellingPrice: selling,
		Desc: b.Desc, PaidDesc: b.PaidDesc, Testing: p.Testing, Supplier: name, UpstreamRef: upRef,
	}
	var out *bill.Inquiry
	// No money moves, but the inquiry is the reseller's, and its payment runs in its domain.
	err = s.inReseller(ctx, r.ID, func(tx *store.Tx) error {
		out = nil
		cp := *in
		if err := tx.InquiryUpsert(ctx, &cp); errors.Is(err, store.ErrInquiryPaid) {
			// Paid by a concurrent request meanwhile: answer what was paid.
			prev, err := tx.InquiryByReference(ctx, r.ID, p.Reference)
			out = prev
			return err
		} else if err != nil {
			return err
		}
		out = &cp
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("inquire %s: %w", p.Reference, err)
	}
	return out, nil
}

// postpaidVariant finds a sellable postpaid variant.
func (s *Service) postpaidVariant(ctx context.Context, code string) (*store.VariantRow, error) {
	v, err := s.db.VariantByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if v.Kind != catalog.Postpaid {
		return nil, catalog.ErrInactive
	}
	if err := v.Sellable(v.ProductActive, s.now()); err != nil {
		return nil, err
	}
	return v, nil
}

// biller finds who can look a bill up, with its name and the bill's SKU there: the testing
// supplier for testing requests, else the first of the order's candidates that is a biller.
func (s *Service) biller(ctx context.Context, v *store.VariantRow, customerNo string, testing bool) (supplier.Biller, string, string, error) {
	if testing {
		if t := supplier.AsConnection(s.router.Testing()); t.Offers(supplier.CanBill) {
			return t, t.Name(), v.Code, nil
		}
		return nil, "", "", fmt.Errorf("%w: the testing supplier cannot look bills up", bill.ErrUnavailable)
	}
	cands, err := s.router.Candidates(ctx, &order.Order{VariantID: v.ID, VariantCode: v.Code, Destination: customerNo,
		ProductName: v.ProductName + " " + v.Name})
	if err != nil {
		return nil, "", "", fmt.Errorf("route bill %s: %w", v.Code, err)
	}
	for _, c := range cands {
		if b, ok := billerOf(c); ok {
			return b, c.Supplier.Name(), c.SKU, nil
		}
	}
	return nil, "", "", fmt.Errorf("%w: no supplier looks %s bills up", bill.ErrUnavailable, v.Code)
}

// billerOf is c's connector as a biller, when it looks bills up (Candidate.Connector: the
// connector beneath the router's wrappers, since an inquiry charges nothing and need not pass
// the circuit breaker). supplier.AsConnection is where the optional interfaces are looked for.
func billerOf(c Candidate) (supplier.Biller, bool) {
	conn := supplier.AsConnection(c.Connector())
	return conn, conn.Offers(supplier.CanBill)
}

// PaidBill is the outcome of PayBill.
type PaidBill struct {
	Inquiry *bill.Inquiry
	Order   *order.Order
	Created bool // false when the bill was paid by an earlier request
}

// PayBill pays an inquired bill: with the inquiry's reference, on the inquiry's Jakarta day, for
// the inquired price. The payment is an order like any other (the price held, then captured or
// released by the fulfilment workers) whose reference is the inquiry's; paying again returns the
// same order and charges nothing. One bill (product, customer, Jakarta month) is paid at most
// once: a second payment under another reference is bill.ErrUnavailable.
//
// Errors: *FieldError, bill.ErrNotInquired, order.ErrReferenceConflict, bill.ErrExpired,
// bill.ErrUnavailable, store.ErrVariantNotFound, catalog.ErrInactive, catalog.ErrCutoff,
// order.ErrInsufficientBalance.
func (s *Service) PayBill(ctx context.Context, p BillParams) (PaidBill, error) {
	if err := p.validate(); err != nil {
		return PaidBill{}, err
	}
	r := p.Reseller
	in, err := s.db.InquiryByReference(ctx, r.ID, p.Reference)
	if err != nil {
		return PaidBill{}, err
	}
	if !p.sameBill(in) {
		return PaidBill{}, order.ErrReferenceConflict
	}
	if in.OrderID != 0 {
		o, err := s.db.OrderByID(ctx, in.OrderID)
		if err != nil {
			return PaidBill{}, err
		}
		return PaidBill{Inquiry: in, Order: o}, nil
	}
	now := s.now()
	if in.Day != catalog.Day(now) {
		return PaidBill{}, bill.ErrExpired
	}
	v, err := s.postpaidVariant(ctx, in.VariantCode)
	if err != nil {
		return PaidBill{}, err
	}

	var out PaidBill
	err = s.inReseller(ctx, r.ID, func(tx *store.Tx) error {
		out = PaidBill{}
		o := &order.Order{
			Invoice:     order.NewInvoice(now),
			ResellerID:  r.ID,
			Reference:   p.Reference,
			VariantID:   v.ID,
			VariantCode: v.Code,
			ProductName: v.ProductName + " " + v.Name,
			Destination: in.CustomerNo,
			Price:       in.Price,
			Status:      order.Pending,
			Message:     "Pembayaran sedang diproses",
			Day:         catalog.Day(now),
			Multi:       false,
			Testing:     in.Testing,
			Dialect:     p.Dialect,
			CallbackURL: p.CallbackURL,
			// Paid where it was looked up, under the reference it was looked up under there.
			BillSupplier: in.Supplier,
			BillRef:      in.UpstreamRef,
		}
		a := acceptance{inTx: func(ctx context.Context, tx *store.Tx, o *order.Order) error {
			return tx.InquirySetOrder(ctx, in.ID, o.ID)
		}}
		if !in.Testing {
			// One payment per bill: the month's slot for the customer.
			a.slot, a.slotDay = in.CustomerNo, bill.PaidKey(in.Day)
			a.slotTaken = fmt.Errorf("%w: paid this month already", bill.ErrUnavailable)
		}
		if _, _, err := s.accept(ctx, tx, o, now, a); errors.Is(err, store.ErrDuplicateReference) {
			// A concurrent payment got there first, or a prepaid order holds the reference.
			prev, err := tx.OrderByReference(ctx, r.ID, p.Reference)
			if err != nil {
				return err
			}
			if prev.VariantCode != in.VariantCode || prev.Destination != in.CustomerNo || prev.Testing != in.Testing {
				return order.ErrReferenceConflict
			}
			cur, err := tx.InquiryByReference(ctx, r.ID, p.Reference)
			if err != nil {
				return err
			}
			out = PaidBill{Inquiry: cur, Order: prev}
			return nil
		} else if err != nil {
			return err
		}
		paid := *in
		paid.OrderID = o.ID
		out = PaidBill{Inquiry: &paid, Order: o, Created: true}
		return nil
	})
	if err != nil {
		return PaidBill{}, fmt.Errorf("pay bill %s: %w", p.Reference, err)
	}
	if out.Created {
		s.wake()
		s.log.Info("bill payment accepted", "invoice", out.Order.Invoice, "reseller", r.Username, "variant", v.Code,
			"price", in.Price, "testing", in.Testing)
	}
	return out, nil
}

// BillStatus reports an inquiry and, once paid, its payment's order. An inquiry never paid is
// bill.ErrNotPaid (with the inquiry); no inquiry at all is bill.ErrNotInquired.
func (s *Service) BillStatus(ctx context.Context, resellerID int64, reference string) (*bill.Inquiry, *order.Order, error) {
	in, err := s.db.InquiryByReference(ctx, resellerID, reference)
	if err != nil {
		return nil, nil, err
	}
	if in.OrderID == 0 {
		return in, nil, bill.ErrNotPaid
	}
	o, err := s.db.OrderByID(ctx, in.OrderID)
	if err != nil {
		return in, nil, err
	}
	return in, o, nil
}

// PLNCustomer looks a PLN prepaid customer up, before a token is sold. It asks the router's
// testing supplier (the simulator), when that checks PLN customers.
//
// Errors: bill.ErrCustomer, bill.ErrBillerDown.
func (s *Service) PLNCustomer(ctx context.Context, customerNo string) (supplier.PLNCustomer, error) {
	checker := supplier.AsConnection(s.router.Testing())
	if !checker.Offers(supplier.CanCheckPLN) {
		return supplier.PLNCustomer{}, fmt.Errorf("%w: no supplier checks PLN customers", bill.ErrBillerDown)
	}
	ctx, cancel := context.WithTimeout(ctx, InquiryTimeout)
	defer cancel()
	c, err := checker.PLNCustomer(ctx, customerNo)
	switch {
	case errors.Is(err, supplier.ErrUnknownCustomer):
		return c, bill.ErrCustomer
	case err != nil:
		return c, fmt.Errorf("%w: %w", bill.ErrBillerDown, err)
	}
	return c, nil
}
