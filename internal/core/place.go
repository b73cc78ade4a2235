package core

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

// PlaceParams is an order as a dialect received it.
type PlaceParams struct {
	Reseller    *reseller.Reseller
	VariantCode string
	Reference   string
	Destination string
	MaxPrice    int64 // 0: no limit
	Testing     bool  // simulator only, no money moved
	Dialect     string
	CallbackURL string
	// RefField and CodeField and DestField name the request fields in the caller's dialect, for
	// error messages ("referenceNumber" or "ref_id").
	RefField, CodeField, DestField string
	// MultiSlot, when set, is the multi rule's key in place of Destination: the text channel's
	// counter (`KODE.2.TUJUAN.PIN`, the second purchase to that number today) takes a slot of
	// its own instead of being refused as a repeat.
	MultiSlot string
	// inTx, when set, runs inside the accepting transaction after the hold, under the
	// reseller's lock key: what a channel records with the order (its audit row, its daily
	// limits) then stands or falls with it. An error refuses the order. It may run more than
	// once (a retried batch), like every function given to Batch. Unexported: it takes the
	// store's transaction, which the core hands to no caller.
	inTx func(ctx context.Context, tx *store.Tx, o *order.Order) error
	// Text, when set, is the text channel's record of the order (TextPlace): its daily limits
	// are checked and its record and audit row written in the accepting transaction, before
	// inTx.
	Text *TextPlace
	// fund, when set, runs inside the accepting transaction before the hold, once the order is
	// inserted: it credits the reseller what the hold then takes (the storefront's paid
	// invoice), so that the credit and the order stand or fall together. It is not run for a
	// repeated reference. An error refuses the order.
	fund func(ctx context.Context, tx *store.Tx, o *order.Order) error
}

// Placed is the outcome of PlaceOrder.
type Placed struct {
	Order   *order.Order
	Created bool // false when an identical earlier order was returned
	// balance is the reseller's available balance as this order's hold left it, read in the
	// transaction that made the hold; balanceKnown says there was one (a new, charged order).
	balance      int64
	balanceKnown bool
}

// BalanceAfter is the reseller's available balance for an order's answer (Digiswitch's and
// Digiflazz's buyer_last_saldo): as the new order's hold left it, which its transaction already
// knows, or else (a repeated request, a test order) as it stands now.
func (s *Service) BalanceAfter(ctx context.Context, p Placed) (int64, error) {
	if p.balanceKnown {
		return p.balance, nil
	}
	return s.Balance(ctx, p.Order.ResellerID)
}

// PlaceOrder accepts an order: it checks the catalog rules, then in one transaction inserts the
// order, takes stock and the multi slot, holds the price out of the reseller's balance and queues
// the fulfilment job. Idempotent on (reseller, reference): an identical retry returns the first
// order and charges nothing; a different order under a used reference is ErrReferenceConflict.
//
// Errors: *FieldError, order.ErrReferenceConflict, store.ErrVariantNotFound, catalog.ErrInactive,
// catalog.ErrCutoff, catalog.ErrOutOfStock, catalog.ErrNoPrice, catalog.ErrDisrupted,
// catalog.ErrWrongOperator, catalog.ErrIDNotFound, order.ErrMultiRefused, order.ErrPriceAboveMax,
// order.ErrInsufficientBalance.
func (s *Service) PlaceOrder(ctx context.Context, p PlaceParams) (Placed, error) {
	if err := p.validate(); err != nil {
		return Placed{}, err
	}
	r := p.Reseller

	// Idempotent retries are answered from the read pool without touching the writer.
	if prev, err := s.db.OrderByReference(ctx, r.ID, p.Reference); err == nil {
		return samePlaced(prev, p)
	} else if !errors.Is(err, order.ErrNotFound) {
		return Placed{}, err
	}
	if err := s.referenceNotArchived(ctx, r.ID, p.Reference); err != nil {
		return Placed{}, err
	}
	q, err := s.quote(ctx, p)
	if err != nil {
		return Placed{}, err
	}
	out, err := s.placeInSlot(ctx, p, q)
	if err != nil {
		return Placed{}, fmt.Errorf("place order %s: %w", p.Reference, err)
	}
	if out.Created {
		s.wake()
		s.log.Info("order accepted", "invoice", out.Order.Invoice, "reseller", r.Username, "variant", q.v.Code, "price", q.price, "testing", p.Testing)
	}
	return out, nil
}

// validate checks the request's own fields, naming them as the caller's dialect does (by
// default Basstore's).
func (p *PlaceParams) validate() error {
	if p.RefField == "" {
		p.RefField, p.CodeField, p.DestField = "referenceNumber", "code", "data"
	}
	return checkOrderFields(p.CodeField, p.RefField, p.DestField, p.VariantCode, p.Reference, p.Destination)
}

// checkOrderFields checks the fields every order request has, a prepaid order's or a bill's:
// a variant code, a valid reference and destination. A bad one is a *FieldError under the
// name the caller's dialect gives it.
func checkOrderFields(codeField, refField, destField, code, ref, dest string) error {
	if code == "" {
		return &FieldError{codeField, "is required"}
	}
	if err := order.ValidateReference(ref); err != nil {
		return &FieldError{refField, err.Error()}
	}
	if err := order.ValidateDestination(dest); err != nil {
		return &FieldError{destField, err.Error()}
	}
	return nil
}

// placeQuote is what the catalog rules decided before the accepting transaction: the variant,
// the reseller's price of it with its uplines' commissions, and the moment they were read at
// (the order's day and its job's due time).
type placeQuote struct {
	v     *store.VariantRow
	now   time.Time
	price int64
	comms []store.Commission
}

// quote applies the catalog rules to the order outside any transaction: the variant sells
// now, routes to a supplier, the destination passes its ID check, and the reseller has a price
// within p.MaxPrice.
func (s *Service) quote(ctx context.Context, p PlaceParams) (placeQuote, error) {
	v, err := s.variantForOrder(ctx, p.VariantCode)
	if err != nil {
		return placeQuote{}, err
	}
	if v.Kind != catalog.Prepaid {
		return placeQuote{}, catalog.ErrInactive
	}
	now := s.now()
	if err := v.Sellable(v.ProductActive, now); err != nil {
		return placeQuote{}, err
	}
	if err := s.routable(ctx, v, p.Destination, p.Testing); err != nil {
		return placeQuote{}, err
	}
	if err := s.validID(ctx, p.Reseller, v, p.Destination, p.Testing); err != nil {
		return placeQuote{}, err
	}
	price, comms, ok, err := s.priceFor(ctx, p.Reseller, v)
	if err != nil {
		return placeQuote{}, err
	}
	if !ok {
		return placeQuote{}, catalog.ErrNoPrice
	}
	if p.MaxPrice > 0 && price > p.MaxPrice {
		return placeQuote{}, order.ErrPriceAboveMax
	}
	return placeQuote{v: v, now: now, price: price, comms: comms}, nil
}

// placeInSlot runs the accepting transaction under the reseller's key, or its balance slot's.
//
// A reseller with balance slots has its order held in the slot its reference falls in,
// under that slot's key: its orders spread over as many write loops (issue 23). When the
// slot's share does not cover the price, the order is placed again under the reseller's own
// key, from its own account, which gathers the slots' money when it must (store.Tx.Transfer):
// it is refused only when all of the reseller's balance does not cover it. That placement
// then shares the balance out to the slots again (store.Tx.SlotsSpread).
func (s *Service) placeInSlot(ctx context.Context, p PlaceParams, q placeQuote) (Placed, error) {
	r := p.Reseller
	slot, spread := 0, false
	// A text order stays under the reseller's own key: its daily limits are read and its record
	// written in the placement, which only the reseller's one key serialises.
	if r.Slots > 0 && !p.Testing && q.price > 0 && p.fund == nil && p.Text == nil {
		slot = referenceSlot(p.Reference, r.Slots)
	}
	// Keyed by reseller (or its slot): batches then lock resellers' accounts in one order and
	// never deadlock.
	var out Placed
	place := func(tx *store.Tx) (err error) {
		out, err = s.placeTx(ctx, tx, p, q, slot, spread)
		return err
	}
	err := s.inSlot(ctx, r.ID, slot, place)
	if slot != 0 && errors.Is(err, order.ErrInsufficientBalance) {
		slot, spread = 0, true
		err = s.inSlot(ctx, r.ID, slot, place)
	}
	return out, err
}

// placeTx is the accepting transaction: the order row in slot, its acceptance (accept), and,
// when spread, the reseller's balance shared out to its slots again. A reference a concurrent
// duplicate took first answers that order (samePlaced).
func (s *Service) placeTx(ctx context.Context, tx *store.Tx, p PlaceParams, q placeQuote, slot int, spread bool) (Placed, error) {
	r := p.Reseller
	o := newPlacedOrder(p, q, slot)
	bal, held, err := s.accept(ctx, tx, o, q.now, placeAcceptance(p, q, o))
	if errors.Is(err, store.ErrDuplicateReference) {
		// A concurrent duplicate got there first, in this batch or another.
		prev, err := tx.OrderByReference(ctx, r.ID, p.Reference)
		if err != nil {
			return Placed{}, err
		}
		return samePlaced(prev, p)
	}
	if err != nil {
		return Placed{}, err
	}
	if spread {
		if err := tx.SlotsSpread(ctx, r.ID, r.Slots); err != nil {
			return Placed{}, err
		}
	}
	// With slots, the balance the hold left is one slot's, not the reseller's: the answer
	// reads the sum (Placed.Balance).
	return Placed{Order: o, Created: true, balance: bal, balanceKnown: held && r.Slots == 0}, nil
}

// newPlacedOrder is the new order's row, pending until a supplier answers.
func newPlacedOrder(p PlaceParams, q placeQuote, slot int) *order.Order {
	v := q.v
	return &order.Order{
		Invoice:     order.NewInvoice(q.now),
		ResellerID:  p.Reseller.ID,
		Reference:   p.Reference,
		VariantID:   v.ID,
		VariantCode: v.Code,
		ProductName: v.ProductName + " " + v.Name,
		Destination: p.Destination,
		Price:       q.price,
		Status:      order.Pending,
		Message:     "Transaksi sedang diproses",
		Day:         catalog.Day(q.now),
		Multi:       v.Multi,
		Testing:     p.Testing,
		Dialect:     p.Dialect,
		CallbackURL: p.CallbackURL,
		Slot:        slot,
		// Recorded so that a failure gives back what was taken, whatever the variant's
		// stock setting is by then.
		StockTaken: !v.UnlimitedStock && !p.Testing,
	}
}

// placeAcceptance is what accepting a prepaid order takes besides its row: the caller's hooks,
// the uplines' commissions and the multi rule's slot (none for a test order, which moves no
// money and takes no slot).
func placeAcceptance(p PlaceParams, q placeQuote, o *order.Order) acceptance {
	a := acceptance{fund: p.fund, inTx: p.Text.inTx(p.inTx)}
	if !p.Testing {
		a.comms = q.comms
	}
	if !q.v.Multi && !p.Testing {
		a.slot, a.slotDay, a.slotTaken = p.Destination, o.Day, order.ErrMultiRefused
		if p.MultiSlot != "" {
			a.slot = p.MultiSlot
		}
	}
	return a
}

// referenceSlot is the balance slot (1..slots) an order's reference falls in: the same on every
// node, so that a retry meets its first try under the same key.
func referenceSlot(reference string, slots int) int {
	h := fnv.New32a()
	h.Write([]byte(reference))
	return 1 + int(h.Sum32()%uint32(slots))
}

// acceptance is what accepting one order takes besides the order row, its hold and its job.
type acceptance struct {
	// slot, when set, is the multi rule's key the order takes for slotDay (a prepaid order's
	// destination and Jakarta day, a bill's customer and paid month); slotTaken is the refusal
	// when another order holds it.
	slot, slotDay string
	slotTaken     error
	// fund runs before the hold (PlaceParams.fund); inTx after it (PlaceParams.inTx, a bill's
	// link to its inquiry).
	fund, inTx func(ctx context.Context, tx *store.Tx, o *order.Order) error
	// comms are the uplines' commissions of a downline's order, recorded with it (priceFor).
	comms []store.Commission
}

// accept is the accept step PlaceOrder and PayBill share, inside the reseller's transaction
// (inReseller): it inserts o with its fulfilment job, due at now (store.ErrDuplicateReference
// when its reference is taken: the caller answers the first order), takes the multi slot and,
// when o.StockTaken, one unit of stock, runs a.fund, holds the price and runs a.inTx.
// Any refusal rolls all of it back with the caller's transaction. It returns what hold does.
func (s *Service) accept(ctx context.Context, tx *store.Tx, o *order.Order, now time.Time, a acceptance) (int64, bool, error) {
	// The fulfilment job goes in with the order (one statement on PostgreSQL): the rest of this
	// transaction may still refuse the order, and the job then goes with it.
	if err := tx.OrderInsertQueued(ctx, o, store.JobFulfil, now); err != nil {
		return 0, false, err
	}
	if err := tx.OrderCommissionsInsert(ctx, o.ID, a.comms); err != nil {
		return 0, false, err
	}
	if a.slot != "" {
		ok, err := tx.MultiGuardTake(ctx, o.VariantID, a.slot, a.slotDay, o.ID)
		if err != nil {
			return 0, false, err
		}
		if !ok {
			return 0, false, a.slotTaken
		}
	}
	if o.StockTaken {
		ok, err := tx.VariantStockTake(ctx, o.VariantID)
		if err != nil {
			return 0, false, err
		}
		if !ok {
			return 0, false, catalog.ErrOutOfStock
		}
	}
	if a.fund != nil {
		if err := a.fund(ctx, tx, o); err != nil {
			return 0, false, err
		}
	}
	bal, held, err := s.hold(ctx, tx, o)
	if err != nil {
		return 0, false, err
	}
	if a.inTx != nil {
		if err := a.inTx(ctx, tx, o); err != nil {
			return 0, false, err
		}
	}
	return bal, held, nil
}

// hold moves a charged order's price from its reseller's available balance to held, inside the
// transaction that accepts the order (order.ErrInsufficientBalance when it does not cover it).
// The posting is keyed by the order's id and its kind (ledger.PostHold; shown as
// "order:INVOICE:hold"), which is what the settlement's capture or release and LedgerCheck pair
// it with. It returns the available balance the hold left, and whether there
// was a hold.
func (s *Service) hold(ctx context.Context, tx *store.Tx, o *order.Order) (int64, bool, error) {
	if o.Testing || o.Price <= 0 {
		return 0, false, nil
	}
	ra, err := s.orderAccounts(ctx, tx, o)
	if err != nil {
		return 0, false, err
	}
	bal, err := tx.TransferOrderFrom(ctx, store.OrderRef{ID: o.ID, Invoice: o.Invoice}, ledger.PostHold, ra.available, ra.held, o.Price, "hold for "+o.Invoice)
	if errors.Is(err, store.ErrInsufficientFunds) {
		return 0, false, order.ErrInsufficientBalance
	}
	if err != nil {
		return 0, false, err
	}
	return bal, true, nil
}

// referenceNotArchived refuses a reference whose order was archived (order.ErrReferenceArchived):
// the live database no longer holds that order, so its reference no longer guards against a
// second one, and a reseller re-sending the archived transaction (a Digiflazz status check is a
// re-sent transaction) would be charged again. Archival keeps the references it gives up
// (store.Q.ReferenceArchived) and, the first time, moves the archives epoch and waits out every
// process's epoch bound before giving any order up; so until a database has archived, the check
// costs nothing, and from then on one point read of a new order's reference. Called after the
// live lookup: an order being archived meanwhile is either still live there or already listed.
func (s *Service) referenceNotArchived(ctx context.Context, resellerID int64, ref string) error {
	e, err := s.db.EpochsWithin(ctx, epochMaxAge)
	if err != nil {
		return err
	}
	if e.Archives == 0 {
		return nil
	}
	archived, err := s.db.ReferenceArchived(ctx, resellerID, ref)
	if err != nil {
		return err
	}
	if archived {
		return order.ErrReferenceArchived
	}
	return nil
}

// samePlaced answers a reference that already has an order: the same order when the request is
// the same, ErrReferenceConflict when it is not.
func samePlaced(prev *order.Order, p PlaceParams) (Placed, error) {
	if prev.VariantCode != p.VariantCode || prev.Destination != p.Destination || prev.Testing != p.Testing {
		return Placed{}, order.ErrReferenceConflict
	}
	return Placed{Order: prev, Created: false}, nil
}

// Order returns one of a reseller's orders by invoice (order.ErrNotFound for another's).
func (s *Service) Order(ctx context.Context, resellerID int64, invoice string) (*order.Order, error) {
	return s.db.OrderByInvoice(ctx, resellerID, invoice)
}

// OrderByReference returns one of a reseller's orders by its reference.
func (s *Service) OrderByReference(ctx context.Context, resellerID int64, ref string) (*order.Order, error) {
	return s.db.OrderByReference(ctx, resellerID, ref)
}
