package core

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/markup"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
)

// NewSupplier is what registering a supplier takes.
type NewSupplier struct {
	Name           string
	Kind           string // supplier.KindBasstore, KindDigiswitch, KindSimulator, KindDigiflazz
	BaseURL        string
	Token          string // BASSTORE
	Username       string // Digiswitch, Digiflazz
	APIKey         string // Digiswitch, Digiflazz
	CallbackSecret string // checks the supplier's callbacks; empty means the api key or token
	// MaxInflight bounds requests in flight to it; 0 means store.DefaultMaxInflight.
	MaxInflight int
	// Rate bounds its requests per second; 0 means none.
	Rate float64
	// ReplyPatterns, for kind otomax, are the regular expressions that read its free-text
	// replies, as the JSON of otomax.PatternTexts; "" takes the defaults.
	ReplyPatterns string
}

// MaxSupplierInflight is the most requests in flight a supplier may be given: each costs a
// goroutine and, over HTTP, a connection.
const MaxSupplierInflight = 100_000

// checkBounds checks a supplier's bounds as an operator gives them.
func checkBounds(maxInflight int, rate float64) error {
	if maxInflight < 0 || maxInflight > MaxSupplierInflight {
		return &FieldError{Field: "max-inflight", Reason: fmt.Sprintf("must be between 1 and %d", MaxSupplierInflight)}
	}
	if rate < 0 || rate > 1e6 || math.IsNaN(rate) {
		return &FieldError{Field: "rate", Reason: "must be a number of requests per second, 0 (no limit) to 1000000"}
	}
	return nil
}

var supplierName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// AddSupplier registers a supplier, enabled, with its deposit account.
func (s *Service) AddSupplier(ctx context.Context, n NewSupplier) (*supplier.Registered, error) {
	if !supplierName.MatchString(n.Name) {
		return nil, &FieldError{Field: "name", Reason: "must be 1-32 lower-case letters, digits, - or _"}
	}
	switch n.Kind {
	case store.KindSimulator:
	case store.KindBasstore:
		if n.Token == "" {
			return nil, &FieldError{Field: "token", Reason: "is required for a basstore supplier"}
		}
	case store.KindDigiswitch, store.KindDigiflazz:
		if n.Username == "" || n.APIKey == "" {
			return nil, &FieldError{Field: "username", Reason: "and api key are required for a " + n.Kind + " supplier"}
		}
	case store.KindOtomax:
		if n.Username == "" || n.Token == "" || n.APIKey == "" {
			return nil, &FieldError{Field: "member-id", Reason: ", pin and password are required for an otomax supplier"}
		}
		var err error
		if n.ReplyPatterns, err = otomaxPatterns(n.ReplyPatterns); err != nil {
			return nil, err
		}
		if n.CallbackSecret == "" {
			// Its report-back carries no signature: the secret rides in the report URL's query
			// (?key=…), where the password must never go.
			n.CallbackSecret = reseller.NewSecret(16)
		}
	default:
		return nil, &FieldError{Field: "kind", Reason: "must be basstore, digiswitch, digiflazz, otomax or simulator"}
	}
	if n.ReplyPatterns != "" && n.Kind != store.KindOtomax {
		return nil, &FieldError{Field: "reply-patterns", Reason: "are for otomax suppliers only"}
	}
	// A digiflazz supplier without a base URL is Digiflazz itself.
	if n.Kind != store.KindSimulator && !(n.Kind == store.KindDigiflazz && n.BaseURL == "") {
		u, err := url.Parse(n.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, &FieldError{Field: "base-url", Reason: "must be an http or https URL"}
		}
		n.BaseURL = strings.TrimRight(n.BaseURL, "/")
	}
	if n.CallbackSecret == "" {
		n.CallbackSecret = n.APIKey
		if n.CallbackSecret == "" {
			n.CallbackSecret = n.Token
		}
	}
	if err := checkBounds(n.MaxInflight, n.Rate); err != nil {
		return nil, err
	}
	sup := &store.Supplier{Name: n.Name, Kind: n.Kind, BaseURL: n.BaseURL, Token: n.Token, Username: n.Username,
		APIKey: n.APIKey, CallbackSecret: n.CallbackSecret, Enabled: true, MaxInflight: n.MaxInflight, Rate: n.Rate, ReplyPatterns: n.ReplyPatterns}
	if err := s.db.Batch(ctx, func(tx *store.Tx) error { return tx.SupplierInsert(ctx, sup) }); err != nil {
		return nil, err
	}
	s.log.Info("supplier added", "supplier", n.Name, "kind", n.Kind)
	return sup, nil
}

// Suppliers lists the registered suppliers. The records hold credentials: callers that show
// them must not print Token, APIKey or CallbackSecret.
func (s *Service) Suppliers(ctx context.Context) ([]supplier.Registered, error) {
	return s.db.Suppliers(ctx)
}

// SupplierByName finds a registered supplier.
func (s *Service) SupplierByName(ctx context.Context, name string) (*supplier.Registered, error) {
	return s.db.SupplierByName(ctx, name)
}

// SetSupplierEnabled takes a supplier into or out of rotation. Orders already sent to it are
// still asked after.
func (s *Service) SetSupplierEnabled(ctx context.Context, name string, enabled bool) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.SupplierSetEnabled(ctx, name, enabled) })
}

// SetSupplierBounds sets a supplier's bound on requests in flight (maxInflight ≥ 1) and its
// rate in requests per second (0: none). Every node applies them within its router's refresh;
// requests already in flight are not recalled.
func (s *Service) SetSupplierBounds(ctx context.Context, name string, maxInflight int, rate float64) error {
	if maxInflight == 0 {
		return &FieldError{Field: "max-inflight", Reason: fmt.Sprintf("must be between 1 and %d", MaxSupplierInflight)}
	}
	if err := checkBounds(maxInflight, rate); err != nil {
		return err
	}
	if err := s.db.Batch(ctx, func(tx *store.Tx) error { return tx.SupplierSetBounds(ctx, name, maxInflight, rate) }); err != nil {
		return err
	}
	s.log.Info("supplier bounds set", "supplier", name, "max_inflight", maxInflight, "rate", rate)
	return nil
}

// SetSupplierReplyPatterns sets an otomax supplier's reply patterns (the JSON of
// otomax.PatternTexts; "" for the defaults). Every node's router rebuilds its connector with them.
func (s *Service) SetSupplierReplyPatterns(ctx context.Context, name, patterns string) error {
	sup, err := s.db.SupplierByName(ctx, name)
	if err != nil {
		return err
	}
	if sup.Kind != store.KindOtomax {
		return &FieldError{Field: "reply-patterns", Reason: "are for otomax suppliers only"}
	}
	if patterns, err = otomaxPatterns(patterns); err != nil {
		return err
	}
	if err := s.db.Batch(ctx, func(tx *store.Tx) error { return tx.SupplierSetReplyPatterns(ctx, name, patterns) }); err != nil {
		return err
	}
	s.log.Info("supplier reply patterns set", "supplier", name, "default", patterns == "")
	return nil
}

// otomaxPatterns checks an operator's reply patterns (every one compiles, every value pattern
// has its group) and returns them in their stored form: "" when none is given.
func otomaxPatterns(raw string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", nil
	}
	t, err := otomax.ParsePatternTexts(raw)
	if err == nil {
		_, err = otomax.CompilePatterns(t)
	}
	if err != nil {
		return "", &FieldError{Field: "reply-patterns", Reason: err.Error()}
	}
	if t.Empty() {
		return "", nil
	}
	return t.JSON(), nil
}

// SetSupplierBalance records Kios's balance at a supplier, as fetched from it.
func (s *Service) SetSupplierBalance(ctx context.Context, name string, balance int64) error {
	sup, err := s.db.SupplierByName(ctx, name)
	if err != nil {
		return err
	}
	if err := s.db.Batch(ctx, func(tx *store.Tx) error { return tx.SupplierSetBalance(ctx, sup.ID, balance) }); err != nil {
		return err
	}
	if s.lowBalance > 0 && balance < s.lowBalance {
		s.alert(AlertLowBalance, "supplier balance below the alert threshold: top the deposit up before orders skip it",
			"supplier", name, "balance", balance, "threshold", s.lowBalance)
	}
	return nil
}

// SupplierProducts lists a supplier's catalog as last synced.
func (s *Service) SupplierProducts(ctx context.Context, name string) ([]supplier.Product, error) {
	sup, err := s.db.SupplierByName(ctx, name)
	if err != nil {
		return nil, err
	}
	return s.db.SupplierProducts(ctx, sup.ID)
}

// SetSupplierProduct records a product of a supplier that publishes no price list (an
// Otomax/IRS center, whose "via IP" dialect has none): its code and cost as the operator knows
// them, active. An existing product keeps its mapping; its cost change is recorded as a sync's.
func (s *Service) SetSupplierProduct(ctx context.Context, supplierName, code string, cost int64) error {
	if strings.TrimSpace(code) == "" || len(code) > 64 {
		return &FieldError{Field: "sku", Reason: "must be 1 to 64 characters"}
	}
	if cost <= 0 || cost > ledger.MaxAmount {
		return &FieldError{Field: "cost", Reason: "must be a positive amount of rupiah"}
	}
	sup, err := s.db.SupplierByName(ctx, supplierName)
	if err != nil {
		return err
	}
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		_, err := tx.SupplierProductUpsert(ctx, &store.SupplierProduct{SupplierID: sup.ID, Code: code, Name: code, Kind: "prepaid", Cost: cost, Active: true})
		return err
	})
}

// MapSupplierProduct makes a supplier's product fulfil one of our variants, at a priority among
// the variant's suppliers (lower first), and reprices the variant.
func (s *Service) MapSupplierProduct(ctx context.Context, supplierName, code, variantCode string, priority int) error {
	sup, err := s.db.SupplierByName(ctx, supplierName)
	if err != nil {
		return err
	}
	v, err := s.db.VariantByCode(ctx, variantCode)
	if err != nil {
		return err
	}
	set, err := s.markupSet(ctx)
	if err != nil {
		return err
	}
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		if err := tx.SupplierProductMap(ctx, sup.ID, code, v.ID, priority); err != nil {
			return err
		}
		_, err := s.reprice(ctx, tx, set, v.ID)
		return err
	})
}

// markupSet is the markup rules as they stand, ready to price with.
func (s *Service) markupSet(ctx context.Context) (*markup.Set, error) {
	rules, err := s.db.MarkupRules(ctx)
	if err != nil {
		return nil, err
	}
	return markup.NewSet(rules), nil
}

// SetMarkup creates or replaces a markup rule. Prices change at the next sync or Reprice.
func (s *Service) SetMarkup(ctx context.Context, r markup.Rule) error {
	if err := r.Validate(); err != nil {
		return &FieldError{Field: "markup", Reason: err.Error()}
	}
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.MarkupRuleSet(ctx, r) })
}

// MarkupRules lists the markup rules.
func (s *Service) MarkupRules(ctx context.Context) ([]markup.Rule, error) {
	return s.db.MarkupRules(ctx)
}

// SyncReport tells what a catalog sync did.
type SyncReport struct {
	Items           int // supplier products seen
	New             int // supplier products seen for the first time
	CostChanged     int
	VariantsCreated int
	PricesChanged   int
	Retired         int // mapped supplier products no longer listed, taken out of rotation
}

// SyncProgress is told how many items of total have been saved.
type SyncProgress func(done, total int)

const syncChunk = 200

// SyncCatalog saves a supplier's catalog as fetched: every item becomes (or updates) a supplier
// product, cost changes are recorded, an item that maps to no variant yet gets a variant of its
// own code and name (and its product), active at once, and every variant the supplier sells is
// repriced from the markup rules. Work is committed in chunks, so a huge price list never holds
// one long transaction; a sync cut off half-way is simply run again.
func (s *Service) SyncCatalog(ctx context.Context, supplierName string, items []supplier.Item, progress SyncProgress) (SyncReport, error) {
	var rep SyncReport
	sup, err := s.db.SupplierByName(ctx, supplierName)
	if err != nil {
		return rep, err
	}
	rules, err := s.db.MarkupRules(ctx)
	if err != nil {
		return rep, err
	}
	set := markup.NewSet(rules)
	rep.Items = len(items)
	items = s.saneItems(supplierName, items)
	// Rows this sync does not touch are retired at the end: the supplier no longer sells them.
	// The clock is the store's, which stamps the rows.
	started := s.db.Now()
	for start := 0; start < len(items); start += syncChunk {
		chunk := items[start:min(start+syncChunk, len(items))]
		part, err := s.syncChunk(ctx, sup.ID, set, chunk)
		if err != nil {
			return rep, fmt.Errorf("sync %s: %w", supplierName, err)
		}
		rep.New += part.New
		rep.CostChanged += part.CostChanged
		rep.VariantsCreated += part.VariantsCreated
		rep.PricesChanged += part.PricesChanged
		if progress != nil {
			progress(start+len(chunk), len(items))
		}
	}
	if rep.Retired, err = s.retireUnlisted(ctx, sup.ID, set, items, started); err != nil {
		return rep, fmt.Errorf("sync %s: %w", supplierName, err)
	}
	s.log.Info("catalog synced", "supplier", supplierName, "items", rep.Items, "new", rep.New,
		"cost_changed", rep.CostChanged, "variants_created", rep.VariantsCreated, "prices_changed", rep.PricesChanged)
	return rep, nil
}

// saneItems drops the items costing more than the ledger can hold. Such a cost is a bug
// upstream: the item is not taken in (and, unlisted, leaves rotation at the end of the sync)
// rather than priced by overflowing arithmetic.
func (s *Service) saneItems(supplierName string, items []supplier.Item) []supplier.Item {
	sane := make([]supplier.Item, 0, len(items))
	for _, it := range items {
		if it.Cost > ledger.MaxAmount {
			s.log.Warn("catalog item with an absurd cost skipped", "supplier", supplierName, "code", it.Code, "cost", it.Cost)
			continue
		}
		sane = append(sane, it)
	}
	return sane
}

// syncChunk takes one chunk of a supplier's list in, in one transaction: each item's row
// upserted, a variant found or created for an unmapped one, and every variant it touched
// repriced. Its report counts the chunk only.
func (s *Service) syncChunk(ctx context.Context, supplierID int64, set *markup.Set, chunk []supplier.Item) (SyncReport, error) {
	var part SyncReport
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		part = SyncReport{} // a retried batch counts afresh
		touched := map[int64]bool{}
		for _, it := range chunk {
			if it.Code == "" {
				continue
			}
			sp := store.SupplierProduct{SupplierID: supplierID, Code: it.Code, Name: it.Name, ProductCode: it.ProductCode,
				ProductName: it.ProductName, Category: it.Category, Kind: it.Kind, Cost: max(it.Cost, 0), Active: it.Active}
			old, err := tx.SupplierProductUpsert(ctx, &sp)
			if err != nil {
				return err
			}
			if old < 0 {
				part.New++
			} else if old != sp.Cost {
				part.CostChanged++
			}
			if sp.VariantID == 0 {
				vid, created, err := s.variantFor(ctx, tx, it)
				if err != nil {
					return err
				}
				if created {
					part.VariantsCreated++
				}
				if err := tx.SupplierProductMap(ctx, supplierID, sp.Code, vid, sp.Priority); err != nil {
					return err
				}
				sp.VariantID = vid
			}
			touched[sp.VariantID] = true
		}
		for vid := range touched {
			n, err := s.reprice(ctx, tx, set, vid)
			if err != nil {
				return err
			}
			part.PricesChanged += n
		}
		return nil
	})
	return part, err
}

// retireUnlisted retires the supplier's rows this sync did not touch (stamped before started)
// and reprices their variants; it reports how many it retired. Only kinds the list has are
// retired from: an empty list is more likely a glitch upstream than a supplier selling nothing,
// and a connector may bring one kind only this time (a Digiflazz price list limit), so what is
// known of the others is kept.
func (s *Service) retireUnlisted(ctx context.Context, supplierID int64, set *markup.Set, items []supplier.Item, started time.Time) (int, error) {
	kinds := map[string]bool{}
	for _, it := range items {
		if it.Kind == string(catalog.Postpaid) {
			kinds[it.Kind] = true
		} else {
			kinds[string(catalog.Prepaid)] = true // as the store saves an item of no kind
		}
	}
	if len(kinds) == 0 {
		return 0, nil
	}
	var retired int
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		retired = 0
		for kind := range kinds {
			vids, err := tx.SupplierProductsRetire(ctx, supplierID, kind, started)
			if err != nil {
				return err
			}
			retired += len(vids)
			for _, vid := range vids {
				if _, err := s.reprice(ctx, tx, set, vid); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return retired, err
}

// variantFor finds the variant an unmapped supplier item fulfils: ours of the same code, or a
// new one with the supplier's code and name under a product made from the item's product,
// active at once if the supplier sells it now.
func (s *Service) variantFor(ctx context.Context, tx *store.Tx, it supplier.Item) (int64, bool, error) {
	v, err := tx.VariantByCode(ctx, it.Code)
	if err == nil {
		return v.ID, false, nil
	}
	if !errors.Is(err, store.ErrVariantNotFound) {
		return 0, false, err
	}
	pcode := slug(it.ProductCode)
	if pcode == "" {
		pcode = slug(it.ProductName)
	}
	if pcode == "" {
		pcode = "lainnya"
	}
	p, err := tx.ProductByCode(ctx, pcode)
	if errors.Is(err, store.ErrProductNotFound) {
		name := it.ProductName
		if name == "" {
			name = it.ProductCode
		}
		p = &catalog.Product{Code: pcode, Name: name, Category: it.Category, Brand: strings.ToUpper(name), Active: true}
		err = tx.ProductUpsert(ctx, p)
	}
	if err != nil {
		return 0, false, err
	}
	kind := catalog.Prepaid
	if it.Kind == string(catalog.Postpaid) {
		kind = catalog.Postpaid
	}
	nv := catalog.Variant{ProductID: p.ID, ProductCode: p.Code, Code: it.Code, Name: it.Name, Kind: kind, Active: it.Active,
		UnlimitedStock: true, Multi: true, ProcessDuration: "0", Prices: map[string]int64{}}
	if kind == catalog.Postpaid {
		// A postpaid variant is priced per bill from its admin fee and commission, not by tier:
		// it starts with the supplier's own.
		nv.Admin, nv.Commission = max(it.Admin, 0), max(it.Commission, 0)
	}
	if err := tx.VariantUpsert(ctx, &nv); err != nil {
		return 0, false, err
	}
	return nv.ID, true, nil
}

// reprice sets a variant's tier prices from the cost of its first route (the supplier it goes
// to first) and the markup rules, recording each change. It returns how many prices changed.
// A variant no active route serves keeps its prices.
func (s *Service) reprice(ctx context.Context, tx *store.Tx, set *markup.Set, variantID int64) (int, error) {
	routes, err := tx.Routes(ctx, variantID)
	if err != nil || len(routes) == 0 {
		return 0, err
	}
	v, err := tx.VariantByID(ctx, variantID)
	if err != nil || v.Kind == catalog.Postpaid {
		// A postpaid variant has no tier prices: each bill is priced from admin and commission.
		return 0, err
	}
	changed := 0
	for tier, price := range set.Prices(v.ProductCode, v.Code, routes[0].Product.Cost) {
		old, err := tx.VariantPriceSet(ctx, variantID, tier, price)
		if err != nil {
			return changed, err
		}
		if old != price {
			changed++
			if err := tx.PriceChangeInsert(ctx, store.PriceChange{Kind: "price", VariantID: variantID, Tier: tier, Old: old, New: price}); err != nil {
				return changed, err
			}
		}
	}
	return changed, nil
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	return strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// MarginReport tells price, cost and margin of successful orders per Jakarta day, supplier and
// variant, for the days from..to inclusive ("2006-01-02").
func (s *Service) MarginReport(ctx context.Context, from, to string) ([]order.MarginRow, error) {
	for _, d := range []struct{ field, v string }{{"from", from}, {"to", to}} {
		if _, err := time.Parse("2006-01-02", d.v); err != nil {
			return nil, &FieldError{Field: d.field, Reason: "must be a day as 2006-01-02"}
		}
	}
	return s.db.MarginReport(ctx, from, to)
}

// CreditSupplier books money Kios paid into its deposit at a supplier (a top-up), as a posting
// from the deposits account, so the supplier's ledger balance can be reconciled with the balance
// the supplier reports. It returns the new ledger balance.
func (s *Service) CreditSupplier(ctx context.Context, name string, amount int64, note string) (int64, error) {
	if amount <= 0 || amount > ledger.MaxAmount {
		return 0, ErrAmount
	}
	sup, err := s.db.SupplierByName(ctx, name)
	if err != nil {
		return 0, err
	}
	code := ledger.SupplierCode(sup.ID)
	var bal int64
	err = s.db.Batch(ctx, func(tx *store.Tx) error {
		acct, err := tx.SystemAccountEnsure(ctx, code, ledger.SupplierDeposit)
		if err != nil {
			return err
		}
		if err := tx.Transfer(ctx, "supplier-deposit:"+reseller.NewSecret(8), s.sys.deposits, acct, amount, "top-up at "+name+": "+note); err != nil {
			return err
		}
		bal, err = tx.Balance(ctx, code)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("supplier %s deposit: %w", name, err)
	}
	s.log.Info("supplier deposit", "supplier", name, "amount", amount, "balance", bal)
	return bal, nil
}

// SupplierLedgerBalance is what the ledger says Kios holds at a supplier: top-ups less costs.
func (s *Service) SupplierLedgerBalance(ctx context.Context, sup *supplier.Registered) (int64, error) {
	return s.db.Balance(ctx, ledger.SupplierCode(sup.ID))
}
