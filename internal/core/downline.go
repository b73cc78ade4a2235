package core

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

// The downline tree (issue 21). A downline buys at its upline's price plus the markup its
// upline set for it; the center's revenue is the top reseller's price. Money:
//
//   - Acceptance (downline's key): the downline's price is held, and each upline's markup is
//     recorded on the order (order_commissions), so the split is fixed with the price.
//   - Success (the downline's key, the settlement transaction): the hold is captured, the center
//     price to revenue and each markup to its upline's commission account. Commission accounts
//     belong to no reseller's lock domain (store.CommissionCode): their credits are applied at
//     the batch's end with the shared system accounts, in account order, so a settlement never
//     takes an upline's rows and the lock order stays "reseller keys ascending, then system and
//     commission accounts by id".
//   - Failed: only the release; the commissions recorded move nothing.
//   - Exchange (the upline's key): the commission account's balance moves to the upline's
//     available balance, at once by default (a job queued by the settlement), by TUKAR / the
//     member area with the operator's `commission: accrue`.

// Settings of the tree.
const (
	SettingDownlineDepth = "downline_depth"
	SettingMaxMarkup     = "max_markup"
	SettingCommission    = "commission"
)

// Commission modes.
const (
	CommissionAvailable = "available"
	CommissionAccrue    = "accrue"
)

func init() {
	settingDefs[SettingDownlineDepth] = Setting{Default: "5",
		Help:  "how deep the downline tree may go below a top reseller (1-20)",
		check: func(v string) error { _, err := parseBounded(SettingDownlineDepth, v, 1, 20); return err }}
	settingDefs[SettingMaxMarkup] = Setting{Default: "0",
		Help:  "the most an upline may mark up a downline per order, in rupiah (0: no cap)",
		check: func(v string) error { _, err := parseBounded(SettingMaxMarkup, v, 0, ledger.MaxAmount); return err }}
	settingDefs[SettingCommission] = Setting{Default: CommissionAvailable,
		Help: "where uplines' commissions go: available (their balance, at once) or accrue (a commission account TUKAR exchanges)",
		check: func(v string) error {
			if v != CommissionAvailable && v != CommissionAccrue {
				return &FieldError{SettingCommission, "must be available or accrue"}
			}
			return nil
		}}
}

// Errors of the tree.
var (
	ErrDepthLimit      = errors.New("downline tree would be deeper than the operator allows")
	ErrMarkupAboveMax  = errors.New("markup above the operator's max_markup")
	ErrNotYourDownline = errors.New("not a direct downline of this reseller")
	// ErrNotBelow refuses a transfer to a reseller that is not below the sender in the tree
	// (sideways, up, itself, outside it). It is an ErrNotYourDownline to errors.Is, so every
	// answer made for that refusal covers it; its own text says what transfers allow.
	ErrNotBelow    error = notBelow{}
	ErrNotDownline       = errors.New("reseller has no upline")
)

// maxTreeWalk bounds a walk up the tree: depth is capped at 20 by the setting, and an upline is
// created before its downlines, so no path is longer; the bound only guards against a row edited
// by hand into a cycle.
const maxTreeWalk = 64

type notBelow struct{}

func (notBelow) Error() string        { return "not below this reseller in the downline tree" }
func (notBelow) Is(target error) bool { return target == ErrNotYourDownline }

func parseBounded(name, v string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, &FieldError{name, fmt.Sprintf("must be a whole number from %d to %d", lo, hi)}
	}
	return n, nil
}

// settingInt is the integer setting name in force (its default when unset or unreadable).
func (s *Service) settingInt(ctx context.Context, name string) (int64, error) {
	def := settingDefs[name].Default
	v, ok, err := s.db.Setting(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("setting %s: %w", name, err)
	}
	if !ok {
		v = def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		n, _ = strconv.ParseInt(def, 10, 64)
	}
	return n, nil
}

// CommissionAccrues reports whether the operator keeps commissions in commission accounts until
// exchanged (`commission: accrue`).
func (s *Service) CommissionAccrues(ctx context.Context) (bool, error) {
	v, ok, err := s.db.Setting(ctx, SettingCommission)
	if err != nil {
		return false, fmt.Errorf("setting %s: %w", SettingCommission, err)
	}
	return ok && v == CommissionAccrue, nil
}

// checkMarkup refuses a markup below zero or above max_markup.
func (s *Service) checkMarkup(ctx context.Context, field string, rupiah int64) error {
	if rupiah < 0 || rupiah > ledger.MaxAmount {
		return &FieldError{field, "must be a whole number of rupiah, 0 or more"}
	}
	maxM, err := s.settingInt(ctx, SettingMaxMarkup)
	if err != nil {
		return err
	}
	if maxM > 0 && rupiah > maxM {
		return fmt.Errorf("%s %d > %d: %w", field, rupiah, maxM, ErrMarkupAboveMax)
	}
	return nil
}

// downlinePlace checks that a new downline of upline fits in the tree with markup, and returns
// its tree row (ResellerID unset).
func (s *Service) downlinePlace(ctx context.Context, upline string, markup int64) (store.Downline, error) {
	up, err := s.db.ResellerByUsername(ctx, upline)
	if errors.Is(err, reseller.ErrNotFound) {
		return store.Downline{}, &FieldError{"upline", "no reseller " + strconv.Quote(upline)}
	}
	if err != nil {
		return store.Downline{}, err
	}
	if up.Status != reseller.Active {
		return store.Downline{}, &FieldError{"upline", "is not active"}
	}
	if err := s.checkMarkup(ctx, "markup", markup); err != nil {
		return store.Downline{}, err
	}
	d := store.Downline{UplineID: up.ID, Markup: markup, Depth: 1}
	if ud, err := s.db.DownlineOf(ctx, up.ID); err == nil {
		d.Depth = ud.Depth + 1
	} else if !errors.Is(err, store.ErrNotFound) {
		return d, err
	}
	limit, err := s.settingInt(ctx, SettingDownlineDepth)
	if err != nil {
		return d, err
	}
	if int64(d.Depth) > limit {
		return d, fmt.Errorf("depth %d > %d: %w", d.Depth, limit, ErrDepthLimit)
	}
	return d, nil
}

// UplineOf returns a downline's tree row (ErrNotDownline for a top reseller).
func (s *Service) UplineOf(ctx context.Context, resellerID int64) (reseller.Downline, error) {
	d, err := s.db.DownlineOf(ctx, resellerID)
	if errors.Is(err, store.ErrNotFound) {
		return d, ErrNotDownline
	}
	return d, err
}

// MarkupSet is one markup change: the default of a downline (Product and Variant empty) or an
// override for a product or a variant.
type MarkupSet struct {
	Downline string // username
	Upline   string // when set, the downline must be its direct downline (the upline's own change)
	Product  string
	Variant  string
	Rupiah   int64
}

// SetDownlineMarkup sets the markup an upline charges a downline.
func (s *Service) SetDownlineMarkup(ctx context.Context, m MarkupSet) error {
	return s.SetDownlineMarkups(ctx, []MarkupSet{m})
}

// SetDownlineMarkups sets several markups at once (the text channel's MP): each is checked
// first, and all are written in one transaction, or none.
func (s *Service) SetDownlineMarkups(ctx context.Context, ms []MarkupSet) error {
	type write struct {
		downline int64
		o        store.MarkupOverride
	}
	ws := make([]write, 0, len(ms))
	for _, m := range ms {
		w, err := s.checkMarkupSet(ctx, m)
		if err != nil {
			return err
		}
		ws = append(ws, write{w.ResellerID, w})
	}
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		for _, w := range ws {
			var err error
			if w.o.Scope == "" {
				err = tx.DownlineSetMarkup(ctx, w.downline, w.o.Rupiah)
			} else {
				err = tx.MarkupOverrideSet(ctx, w.o)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("markups: %w", err)
	}
	for _, m := range ms {
		s.log.Info("markup set", "reseller", m.Downline, "product", m.Product, "variant", m.Variant, "rupiah", m.Rupiah)
	}
	return nil
}

// checkMarkupSet checks one markup change and returns what to write (Scope empty: the default).
func (s *Service) checkMarkupSet(ctx context.Context, m MarkupSet) (store.MarkupOverride, error) {
	var o store.MarkupOverride
	if m.Product != "" && m.Variant != "" {
		return o, &FieldError{"product", "give a product or a variant, not both"}
	}
	r, err := s.db.ResellerByUsername(ctx, m.Downline)
	if errors.Is(err, reseller.ErrNotFound) {
		return o, &FieldError{"reseller", "no reseller " + strconv.Quote(m.Downline)}
	}
	if err != nil {
		return o, err
	}
	d, err := s.UplineOf(ctx, r.ID)
	if err != nil {
		return o, fmt.Errorf("markup of %s: %w", m.Downline, err)
	}
	if m.Upline != "" {
		up, err := s.db.ResellerByUsername(ctx, m.Upline)
		if err != nil {
			return o, err
		}
		if up.ID != d.UplineID {
			return o, fmt.Errorf("%s under %s: %w", m.Downline, m.Upline, ErrNotYourDownline)
		}
	}
	if err := s.checkMarkup(ctx, "rupiah", m.Rupiah); err != nil {
		return o, err
	}
	o = store.MarkupOverride{ResellerID: r.ID, Rupiah: m.Rupiah}
	switch {
	case m.Product != "":
		p, err := s.db.ProductByCode(ctx, m.Product)
		if err != nil {
			return o, &FieldError{"product", "no product " + strconv.Quote(m.Product)}
		}
		o.Scope, o.TargetID = store.MarkupProduct, p.ID
	case m.Variant != "":
		v, err := s.db.VariantByCode(ctx, m.Variant)
		if err != nil {
			return o, &FieldError{"variant", "no variant " + strconv.Quote(m.Variant)}
		}
		o.Scope, o.TargetID = store.MarkupVariant, v.ID
	}
	return o, nil
}

// Pricer prices variants for one reseller: what it pays and what each upline on its path earns
// of it. A top reseller pays the center's price for its membership; a downline pays its upline's
// price plus the markup its upline set for it (the variant's override, else the product's, else
// its default), each markup capped by max_markup as it is now (lowered after it was set, it binds
// at once). Made once per order or price list: the tree is read once, not per variant.
type Pricer struct {
	tier   string
	key    string        // CacheKey
	levels []pricerLevel // top first
	maxM   int64
}

type pricerLevel struct {
	d         store.Downline
	overrides map[[2]int64]int64 // {0, product id} or {1, variant id} → rupiah
}

// PricerFor reads r's path up the tree.
func (s *Service) PricerFor(ctx context.Context, r *reseller.Reseller) (*Pricer, error) {
	p := &Pricer{tier: r.Membership, key: "tier:" + r.Membership}
	if up, err := s.uplineOf(ctx, r.ID); err != nil {
		return nil, err
	} else if up == 0 {
		return p, nil // not in a tree: its tier's prices, and no read of the tree (issue 23)
	}
	var path []store.Downline
	for cur := r.ID; ; {
		d, err := s.db.DownlineOf(ctx, cur)
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(path) == maxTreeWalk {
			return nil, fmt.Errorf("prices of %s: the tree above it is a cycle", r.Username)
		}
		path = append(path, d)
		cur = d.UplineID
	}
	if len(path) == 0 {
		return p, nil
	}
	top, err := s.db.ResellerByID(ctx, path[len(path)-1].UplineID)
	if err != nil {
		return nil, fmt.Errorf("top reseller of %s: %w", r.Username, err)
	}
	p.tier, p.key = top.Membership, "reseller:"+strconv.FormatInt(r.ID, 10)
	if p.maxM, err = s.settingInt(ctx, SettingMaxMarkup); err != nil {
		return nil, err
	}
	for i := len(path) - 1; i >= 0; i-- {
		ovs, err := s.db.MarkupOverrides(ctx, path[i].ResellerID)
		if err != nil {
			return nil, err
		}
		l := pricerLevel{d: path[i], overrides: map[[2]int64]int64{}}
		for _, o := range ovs {
			k := [2]int64{0, o.TargetID}
			if o.Scope == store.MarkupVariant {
				k[0] = 1
			}
			l.overrides[k] = o.Rupiah
		}
		p.levels = append(p.levels, l)
	}
	return p, nil
}

// CacheKey names the prices this Pricer gives, for caches of encoded price lists (package
// pricecache): its tier for a reseller outside the tree (every such reseller of the tier sees the
// same prices), the reseller itself for a downline, whose prices no other reseller may be
// served. A markup changed through this process is seen on the next call (PriceListVersion
// moves); one changed by another process once the cached answer is pricecache.TTL old.
func (p *Pricer) CacheKey() string { return p.key }

// Price is what the reseller pays for v and the commissions of its uplines (top first); ok is
// false when the center has no price for the top reseller's tier.
func (p *Pricer) Price(v *catalog.Variant) (int64, []store.Commission, bool) {
	price, ok := v.PriceFor(p.tier)
	if !ok || len(p.levels) == 0 {
		return price, nil, ok
	}
	var comms []store.Commission
	for _, l := range p.levels {
		m, found := l.overrides[[2]int64{1, v.ID}]
		if !found {
			if m, found = l.overrides[[2]int64{0, v.ProductID}]; !found {
				m = l.d.Markup
			}
		}
		if p.maxM > 0 && m > p.maxM {
			m = p.maxM
		}
		if m <= 0 {
			continue
		}
		if price > ledger.MaxAmount-m {
			// Unsellable rather than a price the ledger cannot hold.
			return 0, nil, false
		}
		price += m
		comms = append(comms, store.Commission{UplineID: l.d.UplineID, Amount: m})
	}
	return price, comms, true
}

// PriceFor is Price without the commissions: the price the dialects' price lists, /variant and
// the text channel's H. show the caller.
func (p *Pricer) PriceFor(v *catalog.Variant) (int64, bool) {
	price, _, ok := p.Price(v)
	return price, ok
}

// priceFor is what r pays for v, with its uplines' commissions.
func (s *Service) priceFor(ctx context.Context, r *reseller.Reseller, v *store.VariantRow) (int64, []store.Commission, bool, error) {
	p, err := s.PricerFor(ctx, r)
	if err != nil {
		return 0, nil, false, err
	}
	price, comms, ok := p.Price(&v.Variant)
	return price, comms, ok, nil
}

// PriceOf is what r pays for v.
func (s *Service) PriceOf(ctx context.Context, r *reseller.Reseller, v *catalog.VariantRow) (int64, bool, error) {
	p, _, ok, err := s.priceFor(ctx, r, v)
	return p, ok, err
}

// captureTree moves a successful order's hold out of its reseller's held account: each upline's
// commission to its commission account, the rest (the center's price) to revenue. Inside the
// settlement transaction, under the order's reseller's key; the commission credits belong to no
// reseller's domain (store.CommissionCode).
func (s *Service) captureTree(ctx context.Context, tx *store.Tx, o *order.Order, held int64) error {
	var comms []store.Commission
	// Only an order of a reseller with an upline can carry commissions (uplineOf says why).
	if up, err := s.uplineOf(ctx, o.ResellerID); err != nil {
		return err
	} else if up != 0 {
		if comms, err = tx.OrderCommissions(ctx, o.ID); err != nil {
			return err
		}
	}
	center := o.Price
	for _, c := range comms {
		center -= c.Amount
	}
	if center < 0 {
		return fmt.Errorf("capture %s: commissions %d above the price %d", o.Invoice, o.Price-center, o.Price)
	}
	if center > 0 {
		if err := tx.TransferOrder(ctx, store.OrderRef{ID: o.ID, Invoice: o.Invoice}, ledger.PostCapture, held, s.sys.revenue, center, "capture "+o.Invoice); err != nil {
			return err
		}
	}
	if len(comms) == 0 {
		return nil
	}
	for _, c := range comms {
		acct, err := tx.AccountID(ctx, store.CommissionCode(c.UplineID))
		if err != nil {
			return fmt.Errorf("commission of %s: %w", o.Invoice, err)
		}
		if err := tx.TransferOrder(ctx, store.OrderRef{ID: o.ID, Invoice: o.Invoice}, ledger.PostCommission, held, acct, c.Amount, "commission on "+o.Invoice); err != nil {
			return err
		}
	}
	accrue, err := s.CommissionAccrues(ctx)
	if err != nil || accrue {
		return err
	}
	// Paid into the uplines' balances under their own keys, by a job committed with this
	// settlement: it cannot be lost, and it never makes this batch wait on an upline's.
	return tx.JobInsert(ctx, store.JobCommission, o.ID, s.now())
}

// payCommissions runs a commission job: each upline of the order gets its commission account's
// balance exchanged into its available balance. Exchanging the whole balance makes the job
// idempotent (a second run moves what came since, or nothing).
func (s *Service) payCommissions(ctx context.Context, j store.Job) error {
	comms, err := s.db.OrderCommissions(ctx, j.OrderID)
	if err != nil {
		return err
	}
	o, err := s.db.OrderByID(ctx, j.OrderID)
	if err != nil && !errors.Is(err, order.ErrNotFound) {
		return err
	}
	ref := fmt.Sprintf("order:%d", j.OrderID)
	if o != nil {
		ref = "order:" + o.Invoice
	}
	for _, c := range comms {
		if _, err := s.exchange(ctx, c.UplineID, ref); err != nil {
			return err
		}
	}
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.JobDelete(ctx, j.ID) })
}

// ExchangeCommission moves a reseller's whole commission balance into its available balance
// (TUKAR, the member area) and returns the amount moved (0: nothing to exchange).
func (s *Service) ExchangeCommission(ctx context.Context, resellerID int64) (int64, error) {
	return s.exchange(ctx, resellerID, "tukar")
}

// exchange is ExchangeCommission under reseller's key, the posting's txn naming why. It first
// locks the reseller's available row, which every exchange of this reseller takes, so that the
// balance read next includes any exchange another node committed meanwhile; then the debit of the
// commission account is deferred to the batch's end (store.CommissionCode) but never exceeds
// what the account holds as this transaction sees it.
func (s *Service) exchange(ctx context.Context, resellerID int64, why string) (int64, error) {
	var moved int64
	err := s.inReseller(ctx, resellerID, func(tx *store.Tx) error {
		moved = 0
		ra, err := s.resellerAccounts(ctx, tx, resellerID)
		if err != nil {
			return err
		}
		if err := tx.AccountLock(ctx, ra.available); err != nil {
			return err
		}
		comm, err := tx.AccountID(ctx, store.CommissionCode(resellerID))
		if errors.Is(err, store.ErrNotFound) {
			return nil // never had a downline
		}
		if err != nil {
			return err
		}
		bal, err := tx.Balance(ctx, store.CommissionCode(resellerID))
		if err != nil || bal <= 0 {
			return err
		}
		if err := tx.Transfer(ctx, fmt.Sprintf("commission:%d:%s", resellerID, why), comm, ra.available, bal, "commission exchanged ("+why+")"); err != nil {
			return err
		}
		moved = bal
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("exchange commission of reseller %d: %w", resellerID, err)
	}
	return moved, nil
}

// CommissionBalance is what a reseller's commission account holds.
func (s *Service) CommissionBalance(ctx context.Context, resellerID int64) (int64, error) {
	return s.db.Balance(ctx, store.CommissionCode(resellerID))
}

// DownlineInfo is a direct downline as its upline sees it.
type DownlineInfo struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Markup   int64  `json:"markup"` // the default markup its upline charges it
	Depth    int    `json:"depth"`
	// Upline is its upline's username, set by Descendants (DirectDownlines' are all the caller).
	Upline string `json:"upline,omitempty"`
}

// DirectDownlines lists the direct downlines of uplineID, by id.
func (s *Service) DirectDownlines(ctx context.Context, uplineID int64) ([]DownlineInfo, error) {
	ds, err := s.db.Downlines(ctx, uplineID)
	if err != nil {
		return nil, err
	}
	out := make([]DownlineInfo, 0, len(ds))
	for _, d := range ds {
		r, err := s.db.ResellerByID(ctx, d.ResellerID)
		if err != nil {
			return nil, fmt.Errorf("downline %d: %w", d.ResellerID, err)
		}
		out = append(out, DownlineInfo{Username: r.Username, Name: r.Name, Status: string(r.Status), Markup: d.Markup, Depth: d.Depth})
	}
	return out, nil
}

// Descendants lists every reseller below uplineID in the tree, level by level (its direct
// downlines first, each level by id), each with its own upline's username: the downlines an upline
// may send balance to (TransferDown).
func (s *Service) Descendants(ctx context.Context, uplineID int64) ([]DownlineInfo, error) {
	up, err := s.db.ResellerByID(ctx, uplineID)
	if err != nil {
		return nil, err
	}
	var out []DownlineInfo
	level := []*reseller.Reseller{up}
	for depth := 0; len(level) > 0; depth++ {
		if depth == maxTreeWalk {
			return nil, fmt.Errorf("downlines of %s: the tree below it is a cycle", up.Username)
		}
		var next []*reseller.Reseller
		for _, u := range level {
			ds, err := s.db.Downlines(ctx, u.ID)
			if err != nil {
				return nil, err
			}
			for _, d := range ds {
				r, err := s.db.ResellerByID(ctx, d.ResellerID)
				if err != nil {
					return nil, fmt.Errorf("downline %d: %w", d.ResellerID, err)
				}
				out = append(out, DownlineInfo{Username: r.Username, Name: r.Name, Status: string(r.Status), Markup: d.Markup, Depth: d.Depth, Upline: u.Username})
				next = append(next, r)
			}
		}
		level = next
	}
	return out, nil
}

// isBelow reports whether downID is below upID in the tree, at any depth: the walk goes up from
// downID, at most maxTreeWalk steps.
func (s *Service) isBelow(ctx context.Context, upID, downID int64) (bool, error) {
	for cur, i := downID, 0; i < maxTreeWalk; i++ {
		d, err := s.db.DownlineOf(ctx, cur)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil // reached a top reseller
		}
		if err != nil {
			return false, err
		}
		if d.UplineID == upID {
			return true, nil
		}
		cur = d.UplineID
	}
	return false, fmt.Errorf("the tree above reseller %d is a cycle", downID)
}

// MarkupOverrideView is one override as the admin API shows it.
type MarkupOverrideView struct {
	Scope  string `json:"scope"` // product or variant
	Code   string `json:"code"`
	Rupiah int64  `json:"rupiah"`
}

// DownlineMarkups is what a downline's upline charges it.
type DownlineMarkups struct {
	Reseller  string               `json:"reseller"`
	Upline    string               `json:"upline"`
	Default   int64                `json:"default"`
	Overrides []MarkupOverrideView `json:"overrides"`
}

// MarkupsOf returns a downline's markups (ErrNotDownline for a top reseller).
func (s *Service) MarkupsOf(ctx context.Context, username string) (DownlineMarkups, error) {
	var out DownlineMarkups
	r, err := s.db.ResellerByUsername(ctx, username)
	if err != nil {
		return out, err
	}
	d, err := s.UplineOf(ctx, r.ID)
	if err != nil {
		return out, err
	}
	up, err := s.db.ResellerByID(ctx, d.UplineID)
	if err != nil {
		return out, err
	}
	out = DownlineMarkups{Reseller: r.Username, Upline: up.Username, Default: d.Markup, Overrides: []MarkupOverrideView{}}
	ovs, err := s.db.MarkupOverrides(ctx, r.ID)
	if err != nil || len(ovs) == 0 {
		return out, err
	}
	products, err := s.db.Products(ctx)
	if err != nil {
		return out, err
	}
	pcode := map[int64]string{}
	for _, p := range products {
		pcode[p.ID] = p.Code
	}
	for _, o := range ovs {
		v := MarkupOverrideView{Scope: o.Scope, Rupiah: o.Rupiah, Code: pcode[o.TargetID]}
		if o.Scope == store.MarkupVariant {
			vr, err := s.db.VariantByID(ctx, o.TargetID)
			if err != nil {
				return out, err
			}
			v.Code = vr.Code
		}
		out.Overrides = append(out.Overrides, v)
	}
	return out, nil
}

// DownlineReportRow is one downline's day in its upline's report (issue 21).
type DownlineReportRow struct {
	Day        string `json:"day"` // YYYY-MM-DD, Jakarta
	Downline   string `json:"downline"`
	Level      int    `json:"level"`      // 1: a direct downline, 2: one of its downlines…
	Orders     int64  `json:"orders"`     // delivered orders
	Spend      int64  `json:"spend"`      // what the downline paid for them
	Commission int64  `json:"commission"` // what the upline earned on them
}

// DownlineReport is upline uplineID's report for the days fromDay to toDay (YYYY-MM-DD, Jakarta,
// both included): each of its direct downlines' delivered orders, spend and the commission
// earned on them per day, and the deeper downlines whose orders earned it a commission.
func (s *Service) DownlineReport(ctx context.Context, uplineID int64, fromDay, toDay string) ([]DownlineReportRow, error) {
	days, err := s.db.DownlineReport(ctx, uplineID, fromDay, toDay)
	if err != nil {
		return nil, err
	}
	base := 0
	if d, err := s.db.DownlineOf(ctx, uplineID); err == nil {
		base = d.Depth
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	type who struct {
		name  string
		level int
	}
	seen := map[int64]who{}
	out := make([]DownlineReportRow, 0, len(days))
	for _, d := range days {
		w, ok := seen[d.ResellerID]
		if !ok {
			r, err := s.db.ResellerByID(ctx, d.ResellerID)
			if err != nil {
				return nil, err
			}
			w.name = r.Username
			if t, err := s.db.DownlineOf(ctx, d.ResellerID); err == nil {
				w.level = t.Depth - base
			}
			seen[d.ResellerID] = w
		}
		out = append(out, DownlineReportRow{Day: d.Day, Downline: w.name, Level: w.level, Orders: d.Orders, Spend: d.Spend, Commission: d.Commission})
	}
	return out, nil
}
