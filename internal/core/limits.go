package core

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
)

// Alert kinds: what an operator must act on about upstream money, each logged at error level
// with "alert" set to the kind and counted (Config.Alert; kios_upstream_alerts_total).
const (
	// AlertOverLimit: a supplier reported a success at a cost above the purchase's limit. The
	// money is spent upstream: the order stays a success, flagged over_limit.
	AlertOverLimit = "over_limit"
	// AlertPriceChanged: a purchase answered a cost other than the one the last sync gave; the
	// variant was repriced from it.
	AlertPriceChanged = "price_changed"
	// AlertCostAboveLimit: a supplier was skipped for an order because its known cost is above
	// the order's limit.
	AlertCostAboveLimit = "cost_above_limit"
)

// alert logs an upstream money problem at error level and counts it.
func (s *Service) alert(kind, msg string, args ...any) {
	s.log.Error(msg, append([]any{"alert", kind}, args...)...)
	if s.onAlert != nil {
		s.onAlert(kind)
	}
}

// maxLoss is what Kios may lose on one sale of the variant: its own limit, else the server's.
// The variant's own limit is read through a cache against the catalog counter, which triggers
// move with any change to the limits (migration 00241), so a fulfilment pass costs no read of it
// while nothing changed (issue 23).
func (s *Service) maxLoss(ctx context.Context, variantID int64) (int64, error) {
	e, err := s.db.EpochsWithin(ctx, epochMaxAge)
	if err != nil {
		return 0, err
	}
	key := strconv.FormatInt(variantID, 10)
	loss, ok := s.limits.get(key, e.Catalog)
	if !ok {
		var own bool
		if loss, own, err = s.db.VariantMaxLoss(ctx, variantID); err != nil {
			return 0, err
		}
		if !own {
			loss = -1 // none of its own
		}
		s.limits.put(loss, e.Catalog, key)
	}
	if loss < 0 {
		return s.defaultMaxLoss, nil
	}
	return loss, nil
}

// maxPrice is the most Kios pays a supplier for o: what the order was sold at plus the loss the
// operator allows on it. The order's own price, fixed when it was accepted, is the one that
// counts: a repricing since (a sync after a supplier raised its price) must not loosen the limit
// of orders already sold at the old price, and an order sold at a dearer tier does lose nothing
// at a cost a cheaper tier would lose on (the sync's alerts are about those). A testing order
// buys nothing real: no limit (0).
func (s *Service) maxPrice(ctx context.Context, o *order.Order) (int64, error) {
	if o.Testing {
		return 0, nil
	}
	loss, err := s.maxLoss(ctx, o.VariantID)
	if err != nil {
		return 0, err
	}
	return min(o.Price+loss, ledger.MaxAmount), nil
}

// withinLimit drops the candidates whose known cost is above the order's limit: buying there
// would sell below cost (more than the operator allows). Each skip is alerted, since a supplier
// dearer than what Kios sells at means the catalog's prices are stale.
// Skips are alerted only when loud is set (when a supplier is about to be chosen), not at every
// status poll.
func (s *Service) withinLimit(o *order.Order, limit int64, cands []Candidate, loud bool) []Candidate {
	if o.Testing {
		return cands
	}
	out := cands[:0:0]
	for _, c := range cands {
		if c.Cost > limit {
			if !loud {
				continue
			}
			s.alert(AlertCostAboveLimit, "supplier skipped: its cost is above the order's limit", "invoice", o.Invoice,
				"supplier", c.Supplier.Name(), "sku", c.SKU, "cost", c.Cost, "price", o.Price, "limit", limit)
			continue
		}
		out = append(out, c)
	}
	return out
}

// checkAnswer looks at what a supplier answered a purchase or a status check against what Kios
// expected: a cost other than the known one reprices the variant (the supplier changed its price
// since the last sync), and a success above the order's limit is flagged and alerted (the money
// is spent upstream: it stays a success, never refunded). It runs after the answer was recorded.
func (s *Service) checkAnswer(ctx context.Context, o *order.Order, att *store.Attempt, known int64, res supplier.Result) {
	if o.Testing || res.Cost <= 0 || res.Cost > ledger.MaxAmount {
		return
	}
	if known > 0 && res.Cost != known {
		s.priceChanged(ctx, o, att, known, res.Cost)
	}
}

// priceChanged records the cost a supplier answered as its product's cost and reprices the
// variant from it, as a sync of that one product would, without fetching a whole price list
// (which the upstream may allow once per few minutes only).
func (s *Service) priceChanged(ctx context.Context, o *order.Order, att *store.Attempt, known, cost int64) {
	s.alert(AlertPriceChanged, "supplier answered another price than the last sync's; repricing the variant", "invoice", o.Invoice,
		"supplier", att.Supplier, "sku", att.SKU, "known_cost", known, "cost", cost)
	if err := s.resyncProduct(ctx, att.Supplier, att.SKU, cost); err != nil && ctx.Err() == nil {
		s.log.Error("reprice after a price change", "invoice", o.Invoice, "supplier", att.Supplier, "sku", att.SKU, "err", err)
	}
}

// resyncProduct sets a supplier product's cost and reprices its variant from the markup rules.
func (s *Service) resyncProduct(ctx context.Context, supplierName, code string, cost int64) error {
	sup, err := s.db.SupplierByName(ctx, supplierName)
	if errors.Is(err, store.ErrSupplierNotFound) {
		return nil // the built-in simulator: no catalog of its own
	}
	if err != nil {
		return err
	}
	set, err := s.markupSet(ctx)
	if err != nil {
		return err
	}
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		vid, _, err := tx.SupplierProductSetCost(ctx, sup.ID, code, cost)
		if errors.Is(err, store.ErrNotFound) || (err == nil && vid == 0) {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = s.reprice(ctx, tx, set, vid)
		return err
	})
}

// overLimit flags, inside the settling transaction, a success whose cost is above the order's
// limit; it reports whether it did (the alert follows the commit).
func (s *Service) overLimit(ctx context.Context, tx *store.Tx, o *order.Order, limit, cost int64) (bool, error) {
	if o.Testing || cost <= limit {
		return false, nil
	}
	return tx.OrderFlagSet(ctx, o.ID, store.FlagOverLimit, fmt.Sprintf("cost %d above the limit %d (price %d)", cost, limit, o.Price))
}

// alertOverLimit reports a success flagged over_limit.
func (s *Service) alertOverLimit(o *order.Order, att *store.Attempt, limit, cost int64) {
	s.alert(AlertOverLimit, "supplier charged above the order's limit; kept as a success (the money is spent upstream)", "invoice", o.Invoice,
		"supplier", att.Supplier, "sku", att.SKU, "cost", cost, "limit", limit, "price", o.Price)
}

// VariantLimits is what a purchase of a variant may cost: the loss allowed on one sale (its own,
// or the server's default), and the resulting bound at its cheapest tier.
type VariantLimits struct {
	Code string `json:"code"`
	// MaxLoss is the loss allowed on one sale, in rupiah; Own tells whether it is the variant's
	// own (else the server's --max-loss, DefaultMaxLoss).
	MaxLoss        int64 `json:"max_loss"`
	Own            bool  `json:"own"`
	DefaultMaxLoss int64 `json:"default_max_loss"`
	// LowestPrice is the cheapest tier price the variant is sold at, and MaxPrice that plus
	// MaxLoss: the most any purchase of it may cost whatever the tier (an order's own limit is
	// its price plus MaxLoss). Both 0 for a variant without prices (postpaid: each bill's own).
	LowestPrice int64 `json:"lowest_price"`
	MaxPrice    int64 `json:"max_price"`
	// SNRequired tells whether a supplier's success for the variant must carry a serial number
	// (without one it is asked after for a while, then settled and flagged no_sn); SNOwn whether
	// that is the variant's own rule, else the default by kind (prepaid yes, postpaid no).
	SNRequired bool `json:"sn_required"`
	SNOwn      bool `json:"sn_own"`
}

// Limits reads a variant's limits.
func (s *Service) Limits(ctx context.Context, code string) (*VariantLimits, error) {
	v, err := s.db.VariantByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	loss, own, err := s.db.VariantMaxLoss(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	sn, snOwn, err := s.db.VariantSNRequired(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	return s.limitsOf(v, loss, own, snRule(sn, snOwn)), nil
}

// snRule is a variant's own rule on serial numbers, nil for none.
func snRule(required, own bool) *bool {
	if !own {
		return nil
	}
	return &required
}

func (s *Service) limitsOf(v *store.VariantRow, loss int64, own bool, sn *bool) *VariantLimits {
	l := &VariantLimits{Code: v.Code, MaxLoss: loss, Own: own, DefaultMaxLoss: s.defaultMaxLoss,
		SNRequired: v.Kind != catalog.Postpaid, SNOwn: sn != nil}
	if sn != nil {
		l.SNRequired = *sn
	}
	if !own {
		l.MaxLoss = s.defaultMaxLoss
	}
	first := true
	for _, p := range v.Prices {
		if first || p < l.LowestPrice {
			l.LowestPrice, first = p, false
		}
	}
	if !first {
		l.MaxPrice = min(l.LowestPrice+l.MaxLoss, ledger.MaxAmount)
	}
	return l
}

// AllLimits lists the limits of every variant, by product then variant.
func (s *Service) AllLimits(ctx context.Context) ([]VariantLimits, error) {
	vs, err := s.db.Variants(ctx, store.VariantFilter{})
	if err != nil {
		return nil, err
	}
	own, err := s.db.VariantLimits(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]int64, len(own))
	for _, l := range own {
		byID[l.VariantID] = l.MaxLoss
	}
	sns, err := s.db.VariantSNRules(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]VariantLimits, 0, len(vs))
	for i := range vs {
		loss, ok := byID[vs[i].ID]
		sn, snOwn := sns[vs[i].ID]
		out = append(out, *s.limitsOf(&vs[i], loss, ok, snRule(sn, snOwn)))
	}
	return out, nil
}

// SetSNRequired sets whether successes for a variant must carry a serial number, or with required
// nil removes the variant's own rule (the default by kind applies: prepaid yes, postpaid no). It
// takes effect at the variant's next answer.
func (s *Service) SetSNRequired(ctx context.Context, code string, required *bool) (*VariantLimits, error) {
	v, err := s.db.VariantByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if err := s.db.Batch(ctx, func(tx *store.Tx) error { return tx.VariantSNSet(ctx, v.ID, required) }); err != nil {
		return nil, fmt.Errorf("sn rule of %s: %w", code, err)
	}
	return s.Limits(ctx, code)
}

// needsSN tells whether a success for o must carry a serial number: the variant's own rule, else
// its kind's default. A prepaid product's SN is what the buyer gets (a voucher, a token, the
// operator's reference of a top-up); a postpaid bill is paid where it was inquired and its
// receipt is the inquiry's. A testing order buys nothing real: never.
func (s *Service) needsSN(ctx context.Context, o *order.Order) (bool, error) {
	if o.Testing {
		return false, nil
	}
	required, own, err := s.db.VariantSNRequired(ctx, o.VariantID)
	if err != nil || own {
		return required, err
	}
	return o.BillSupplier == "" && o.BillRef == "", nil
}

// AlertNoSN: a supplier's success without the serial number the product needs, still without one
// after Config.SNWait of asking: settled (the money is spent upstream), flagged no_sn.
const AlertNoSN = "no_sn"

// waitForSN tells whether a success without an SN for att should be asked after again instead of
// settled: the product needs one and the attempt was sent less than SNWait ago.
func (s *Service) waitForSN(ctx context.Context, o *order.Order, att *store.Attempt, res supplier.Result) (bool, error) {
	if res.State != supplier.Success || res.SN != "" {
		return false, nil
	}
	need, err := s.needsSN(ctx, o)
	if err != nil || !need {
		return false, err
	}
	return s.now().Sub(att.CreatedAt) < s.snWait, nil
}

// noSN flags, inside the settling transaction, a success settled without the SN its product
// needs; it reports whether it did (the alert follows the commit).
func (s *Service) noSN(ctx context.Context, tx *store.Tx, o *order.Order, att *store.Attempt, sn string) (bool, error) {
	if sn != "" || att == nil {
		return false, nil
	}
	need, err := s.needsSN(ctx, o)
	if err != nil || !need {
		return false, err
	}
	return tx.OrderFlagSet(ctx, o.ID, store.FlagNoSN, fmt.Sprintf("%s answered success without an SN for %s", att.Supplier, s.snWait))
}

// alertNoSN reports a success flagged no_sn.
func (s *Service) alertNoSN(o *order.Order, att *store.Attempt) {
	s.alert(AlertNoSN, "supplier answered success without the SN the product needs; settled, get the SN from the supplier", "invoice", o.Invoice,
		"supplier", att.Supplier, "attempt", att.Reference, "waited", s.snWait)
}

// SetLimits sets a variant's own max loss (rupiah, 0 or more), or with maxLoss nil removes it so
// the server's default applies. It takes effect at the variant's next purchase.
func (s *Service) SetLimits(ctx context.Context, code string, maxLoss *int64) (*VariantLimits, error) {
	if maxLoss != nil && (*maxLoss < 0 || *maxLoss > ledger.MaxAmount) {
		return nil, &FieldError{Field: "max_loss", Reason: "must be 0 or more rupiah"}
	}
	v, err := s.db.VariantByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if err := s.db.Batch(ctx, func(tx *store.Tx) error { return tx.VariantLimitSet(ctx, v.ID, maxLoss) }); err != nil {
		return nil, fmt.Errorf("limits of %s: %w", code, err)
	}
	return s.Limits(ctx, code)
}
