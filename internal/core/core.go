// Package core is Kios's one core behind every dialect: it accepts orders (holding funds),
// fulfils them through suppliers (capturing or releasing the hold), credits deposits, and manages
// resellers. Every money movement is a ledger posting made in the same store transaction as the
// change that causes it. Dialects call Service; Service calls the store.
package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

// Config configures a Service.
type Config struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives structured logs; nil means slog.Default().
	Logger *slog.Logger
	// Router picks suppliers for an order; required (New returns ErrNoRouter without one).
	// internal/upstream/simroute routes everything to the built-in simulator.
	Router Router
	// CallbackPublicOnly refuses callback URLs (a reseller's, an order's cb_url) naming a
	// loopback, private, link-local or CGNAT address when they are set; `kios serve` sets it
	// unless --callback-allow-private. Addresses that are never a reseller's server
	// (documentation, reserved, multicast…) are refused either way (package callbackurl).
	CallbackPublicOnly bool
	// PaymentClient makes payment gateways' calls; nil means a client with a 20 s timeout.
	PaymentClient *http.Client
	// PublicURL is where payment providers reach this server's public listener (serve
	// --public-url): deposit payments opened without one of their own use it.
	PublicURL string
	// MaxLoss is what Kios may lose on one sale, in rupiah, unless the variant has a limit of its
	// own (`kios catalog limits`): a purchase upstream may cost at most the order's price plus
	// this. 0 (the default) never sells below cost.
	MaxLoss int64
	// Alert, if set, is told the kind of every upstream money alert (Alert* constants), after it
	// was logged at error level: the metrics count them.
	Alert func(kind string)
	// SNWait is how long a supplier's success without the serial number the product needs is
	// asked after again before it is settled anyway and flagged no_sn: 0 means 10 minutes, a
	// negative value settles at once (still flagged).
	SNWait time.Duration
	// LowBalance, when positive, alerts (AlertLowBalance) whenever a supplier's fetched balance
	// is below it (serve --low-balance): the deposit needs topping up before orders skip it.
	LowBalance int64
	// CheckID answers the game-ID check for products with require_valid_id (validid.go); nil
	// means such products take any ID.
	CheckID IDChecker
	// Final, if set, is told each order that became final (its invoice and status), after the
	// commit that made it so, whichever way it did: a supplier's answer to the worker, its
	// callback, or an operator's resolve. A test signal (internal/kiostest waits on it instead of
	// polling); it must not block.
	Final func(invoice string, status order.Status)
}

// DefaultSNWait is how long a success without the SN its product needs is asked after.
const DefaultSNWait = 10 * time.Minute

// Service is the core.
type Service struct {
	db     *store.DB
	now    func() time.Time
	log    *slog.Logger
	router Router
	// lowBalance is Config.LowBalance.
	lowBalance int64

	callbackPublicOnly bool
	payClient          *http.Client
	publicURL          string
	defaultMaxLoss     int64
	onAlert            func(kind string)
	onFinal            func(invoice string, status order.Status)
	snWait             time.Duration
	checkID            IDChecker

	sys       systemAccounts
	accounts  sync.Map                       // slotRef -> resellerAccounts; accounts are never deleted, so caching is safe
	auth      epochCache[*reseller.Reseller] // see newAuthCache
	variants  epochCache[*store.VariantRow]  // see newVariantCache
	uplines   epochCache[int64]              // reseller id -> upline id (0: none); see uplineOf
	limits    epochCache[int64]              // variant id -> its own max loss (-1: none); see maxLoss
	prefixes  prefixTable                    // the operator prefix table, see prefix.go
	lastCheck lastCheck                      // the last ledger check's result, for the metrics

	wakeMu sync.Mutex
	wakes  []chan struct{}

	up upstream // requests in flight to suppliers (dispatch.go)
}

type systemAccounts struct {
	revenue, deposits, cost int64
	transit                 int64 // transfers down the tree between their two steps (transfer.go)
}

type resellerAccounts struct {
	available, held int64
}

// slotRef names one of a reseller's balance slots (0: its own accounts).
type slotRef struct {
	reseller int64
	slot     int
}

// New returns a Service on db, creating the system accounts if missing.
func New(ctx context.Context, db *store.DB, cfg Config) (*Service, error) {
	s := &Service{db: db, now: cfg.Now, log: cfg.Logger, router: cfg.Router, lowBalance: cfg.LowBalance, callbackPublicOnly: cfg.CallbackPublicOnly, payClient: cfg.PaymentClient, publicURL: cfg.PublicURL,
		defaultMaxLoss: max(cfg.MaxLoss, 0), onAlert: cfg.Alert, onFinal: cfg.Final, auth: newAuthCache(), variants: newVariantCache(),
		uplines: epochCache[int64]{clone: func(v int64) int64 { return v }}, limits: epochCache[int64]{clone: func(v int64) int64 { return v }}}
	if s.now == nil {
		s.now = time.Now
	}
	s.checkID = cfg.CheckID
	switch {
	case cfg.SNWait == 0:
		s.snWait = DefaultSNWait
	case cfg.SNWait > 0:
		s.snWait = cfg.SNWait
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.router == nil {
		return nil, ErrNoRouter
	}
	// Not the change a command audits (store.WithAudit on ctx): a command that fails after
	// opening the service must leave no audit row.
	err := db.Batch(store.WithoutAudit(ctx), func(tx *store.Tx) error {
		var err error
		if s.sys.revenue, err = tx.SystemAccountEnsure(ctx, ledger.RevenueCode, ledger.Revenue); err != nil {
			return err
		}
		if s.sys.deposits, err = tx.SystemAccountEnsure(ctx, ledger.DepositsCode, ledger.Deposits); err != nil {
			return err
		}
		if s.sys.cost, err = tx.SystemAccountEnsure(ctx, ledger.CostCode, ledger.Cost); err != nil {
			return err
		}
		s.sys.transit, err = tx.TransitAccountEnsure(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("core: system accounts: %w", err)
	}
	return s, nil
}

// CatalogVersion changes whenever this process commits a change to the catalog (store.DB's
// CatalogVersion). Caches of what is derived from the catalog (a dialect's encoded price list)
// compare it to know they are stale; changes made by another process (the admin CLI) are not
// seen, so such caches also expire by age.
func (s *Service) CatalogVersion() uint64 { return s.db.CatalogVersion() }

// PriceListVersion changes whenever this process commits a change to what a price list shows:
// the catalog, or a reseller's place or markups in the downline tree (issue 21: a markup an
// upline sets shows in its downline's cached list on the next call, not a TTL later). Both
// counters only grow, so their sum moves whenever either does.
func (s *Service) PriceListVersion() uint64 { return s.db.CatalogVersion() + s.db.ResellersVersion() }

// Logger is the service's logger.
func (s *Service) Logger() *slog.Logger { return s.log }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// inReseller runs fn in a write transaction in reseller resellerID's lock domain
// (store.DB.BatchKey): every write that moves a reseller's money (accepting, settling and
// resolving its orders, paying its bills, crediting or debiting its deposits and tickets) goes
// through here, so that batches on every node take resellers' account rows in one global order
// (docs/ARCHITECTURE.md, Lock domains). In tests the store refuses a transfer touching a
// reseller's account outside its key (store.Options.AssertLockDomains).
func (s *Service) inReseller(ctx context.Context, resellerID int64, fn func(*store.Tx) error) error {
	if resellerID <= 0 {
		// Key 0 is Batch's: no domain at all. A reseller id is never 0; a caller passing one
		// has lost the order's or ticket's reseller.
		return fmt.Errorf("lock domain of reseller %d: no such reseller", resellerID)
	}
	return s.db.BatchKey(ctx, resellerID, fn)
}

// inOrder runs fn in the lock domain of order o's money: its reseller's, or the balance slot's
// the order is held in (store.SlotKey), which is where its hold, capture or release moves money.
// Every write on an order after its acceptance (attempts, answers, settlement) runs here, so one
// hot reseller's orders spread over as many write loops as it has slots.
func (s *Service) inOrder(ctx context.Context, o *order.Order, fn func(*store.Tx) error) error {
	return s.inSlot(ctx, o.ResellerID, o.Slot, fn)
}

// inSlot runs fn in the lock domain of reseller resellerID's balance slot slot: the reseller's
// own (inReseller) for slot 0.
func (s *Service) inSlot(ctx context.Context, resellerID int64, slot int, fn func(*store.Tx) error) error {
	if slot == 0 {
		return s.inReseller(ctx, resellerID, fn)
	}
	if resellerID <= 0 {
		return fmt.Errorf("lock domain of reseller %d: no such reseller", resellerID)
	}
	return s.db.BatchKey(ctx, store.SlotKey(resellerID, slot), fn)
}

// accountsQ is what reads an account's id: the store or a transaction.
type accountsQ interface {
	AccountID(context.Context, string) (int64, error)
}

// resellerAccounts returns the ids of a reseller's own two accounts (slot 0), from the cache or q.
func (s *Service) resellerAccounts(ctx context.Context, q accountsQ, resellerID int64) (resellerAccounts, error) {
	return s.slotAccounts(ctx, q, resellerID, 0)
}

// orderAccounts returns the ids of the two accounts order o's money is held in: its balance
// slot's.
func (s *Service) orderAccounts(ctx context.Context, q accountsQ, o *order.Order) (resellerAccounts, error) {
	return s.slotAccounts(ctx, q, o.ResellerID, o.Slot)
}

// slotAccounts returns the ids of a reseller's two accounts of balance slot slot, from the cache
// or q.
func (s *Service) slotAccounts(ctx context.Context, q accountsQ, resellerID int64, slot int) (resellerAccounts, error) {
	ref := slotRef{resellerID, slot}
	if v, ok := s.accounts.Load(ref); ok {
		return v.(resellerAccounts), nil
	}
	var ra resellerAccounts
	var err error
	if ra.available, err = q.AccountID(ctx, ledger.SlotAvailableCode(resellerID, slot)); err != nil {
		return ra, err
	}
	if ra.held, err = q.AccountID(ctx, ledger.SlotHeldCode(resellerID, slot)); err != nil {
		return ra, err
	}
	s.accounts.Store(ref, ra)
	return ra, nil
}

// Subscribe returns a channel that receives a value (dropped when full) whenever new work is
// queued on this node, so workers need not poll for it.
func (s *Service) Subscribe() <-chan struct{} {
	ch := make(chan struct{}, 1)
	s.wakeMu.Lock()
	s.wakes = append(s.wakes, ch)
	s.wakeMu.Unlock()
	return ch
}

func (s *Service) wake() {
	s.wakeMu.Lock()
	defer s.wakeMu.Unlock()
	for _, ch := range s.wakes {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// FieldError is a request field that is missing or invalid. Dialects answer it as their
// "bad request" code, naming the field.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + " " + e.Reason }

// IsFieldError reports whether err is a FieldError.
func IsFieldError(err error) (*FieldError, bool) {
	var fe *FieldError
	ok := errors.As(err, &fe)
	return fe, ok
}

// told tells Config.Final of an order made final.
func (s *Service) told(invoice string, status order.Status) {
	if s.onFinal != nil {
		s.onFinal(invoice, status)
	}
}
