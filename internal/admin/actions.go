package admin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

func fieldErr(field, reason string) error { return &core.FieldError{Field: field, Reason: reason} }

// ResellerView is a reseller as admins see it: never its token hash or api key.
type ResellerView struct {
	ID          int64     `json:"id"`
	Username    string    `json:"username"`
	Name        string    `json:"name"`
	Email       string    `json:"email"`
	Phone       string    `json:"phone"`
	Membership  string    `json:"membership"`
	Status      string    `json:"status"`
	CallbackURL string    `json:"callback_url"`
	AllowIPs    []string  `json:"allow_ips"`
	Balance     int64     `json:"balance"`
	Held        int64     `json:"held"`
	CreatedAt   time.Time `json:"created_at"`
}

func viewOf(r *reseller.Reseller, balance, held int64) ResellerView {
	ips := make([]string, 0, len(r.AllowIPs))
	for _, p := range r.AllowIPs {
		ips = append(ips, p.String())
	}
	return ResellerView{ID: r.ID, Username: r.Username, Name: r.Name, Email: r.Email, Phone: r.Phone, Membership: r.Membership,
		Status: string(r.Status), CallbackURL: r.CallbackURL, AllowIPs: ips, Balance: balance, Held: held, CreatedAt: r.CreatedAt}
}

// Resellers lists every reseller with balances.
func (s *Service) Resellers(ctx context.Context) ([]ResellerView, error) {
	list, err := s.db.ResellerList(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ResellerView, 0, len(list))
	for i := range list {
		out = append(out, viewOf(&list[i].Reseller, list[i].Balance, list[i].Held))
	}
	return out, nil
}

// Reseller finds one reseller with balances.
func (s *Service) Reseller(ctx context.Context, username string) (ResellerView, error) {
	r, err := s.db.ResellerByUsername(ctx, username)
	if err != nil {
		return ResellerView{}, err
	}
	bal, err := s.db.Balance(ctx, ledger.AvailableCode(r.ID))
	if err != nil {
		return ResellerView{}, err
	}
	held, err := s.db.Balance(ctx, ledger.HeldCode(r.ID))
	if err != nil {
		return ResellerView{}, err
	}
	return viewOf(r, bal, held), nil
}

// CreateReseller creates a reseller; its token and api key are in the result, shown once.
func (s *Service) CreateReseller(ctx context.Context, by Actor, n core.NewReseller) (core.Credentials, error) {
	cr, err := s.svc.CreateReseller(ctx, n)
	if err != nil {
		return cr, err
	}
	s.audit(ctx, by, "reseller.create", "reseller:"+cr.Reseller.Username, nil, viewOf(cr.Reseller, 0, 0))
	return cr, nil
}

// RotateToken gives a reseller a new token, returned once.
func (s *Service) RotateToken(ctx context.Context, by Actor, username string) (core.Credentials, error) {
	cr, err := s.svc.RotateToken(ctx, username)
	if err != nil {
		return cr, err
	}
	s.audit(ctx, by, "reseller.rotate-token", "reseller:"+username, nil, map[string]string{"token": "rotated"})
	return cr, nil
}

// RotateAPIKey gives a reseller a new api key, returned once.
func (s *Service) RotateAPIKey(ctx context.Context, by Actor, username string) (core.Credentials, error) {
	cr, err := s.svc.RotateAPIKey(ctx, username)
	if err != nil {
		return cr, err
	}
	s.audit(ctx, by, "reseller.rotate-api-key", "reseller:"+username, nil, map[string]string{"api_key": "rotated"})
	return cr, nil
}

// AllowIP adds a CIDR or address to a reseller's allowlist; deny removes it instead.
func (s *Service) AllowIP(ctx context.Context, by Actor, username, cidr string, deny bool) (ResellerView, error) {
	p, err := reseller.ParsePrefix(cidr)
	if err != nil {
		return ResellerView{}, fieldErr("cidr", "must be an IP address or CIDR")
	}
	return s.changeReseller(ctx, by, username, map[bool]string{false: "reseller.allow-ip", true: "reseller.deny-ip"}[deny],
		func() error {
			if deny {
				return s.svc.DenyIP(ctx, username, p)
			}
			return s.svc.AllowIP(ctx, username, p)
		})
}

// SetStatus suspends or resumes a reseller.
func (s *Service) SetStatus(ctx context.Context, by Actor, username string, st reseller.Status) (ResellerView, error) {
	if st != reseller.Active && st != reseller.Suspended {
		return ResellerView{}, fieldErr("status", "must be active or suspended")
	}
	action := "reseller.resume"
	if st == reseller.Suspended {
		action = "reseller.suspend"
	}
	return s.changeReseller(ctx, by, username, action, func() error { return s.svc.SetStatus(ctx, username, st) })
}

// SetMembership moves a reseller to another price tier.
func (s *Service) SetMembership(ctx context.Context, by Actor, username, tier string) (ResellerView, error) {
	return s.changeReseller(ctx, by, username, "reseller.membership", func() error { return s.svc.SetMembership(ctx, username, tier) })
}

// SetCallback sets a reseller's callback URL.
func (s *Service) SetCallback(ctx context.Context, by Actor, username, url string) (ResellerView, error) {
	return s.changeReseller(ctx, by, username, "reseller.callback", func() error { return s.svc.SetCallback(ctx, username, url) })
}

func (s *Service) changeReseller(ctx context.Context, by Actor, username, action string, change func() error) (ResellerView, error) {
	before, err := s.Reseller(ctx, username)
	if err != nil {
		return ResellerView{}, err
	}
	if err := change(); err != nil {
		return ResellerView{}, err
	}
	after, err := s.Reseller(ctx, username)
	if err != nil {
		return ResellerView{}, err
	}
	s.audit(ctx, by, action, "reseller:"+username, before, after)
	return after, nil
}

// Deposit credits (or, with debit, takes back) a reseller's balance, returning the new balance.
func (s *Service) Deposit(ctx context.Context, by Actor, username string, amount int64, note string, debit bool) (int64, error) {
	before, err := s.Reseller(ctx, username)
	if err != nil {
		return 0, err
	}
	// The posting's memo names the admin too, so the ledger alone says who moved the money.
	memo := note + " (by " + by.Name + ")"
	var bal int64
	action := "deposit.credit"
	if debit {
		action = "deposit.debit"
		bal, err = s.svc.Debit(ctx, username, amount, memo)
	} else {
		bal, err = s.svc.Credit(ctx, username, amount, memo)
	}
	if errors.Is(err, core.ErrAmount) {
		return 0, fieldErr("amount", "must be a positive number of rupiah")
	}
	if err != nil {
		return 0, err
	}
	s.audit(ctx, by, action, "reseller:"+username,
		map[string]any{"balance": before.Balance},
		map[string]any{"balance": bal, "amount": amount, "note": note})
	return bal, nil
}

// VariantEdit changes some fields of a variant; nil fields stay as they are.
type VariantEdit struct {
	Code           string           `json:"code"`
	Name           *string          `json:"name,omitempty"`
	Prices         map[string]int64 `json:"prices,omitempty"` // replaces the given tiers only
	Active         *bool            `json:"active,omitempty"`
	Stock          *int64           `json:"stock,omitempty"`
	UnlimitedStock *bool            `json:"unlimited_stock,omitempty"`
}

// VariantView is a variant as admins see it.
type VariantView struct {
	Code           string           `json:"code"`
	Name           string           `json:"name"`
	ProductCode    string           `json:"product_code"`
	ProductName    string           `json:"product_name"`
	Kind           string           `json:"kind"`
	Active         bool             `json:"active"`
	ProductActive  bool             `json:"product_active"`
	UnlimitedStock bool             `json:"unlimited_stock"`
	Stock          int64            `json:"stock"`
	Multi          bool             `json:"multi"`
	Prices         map[string]int64 `json:"prices"`
}

// VariantViewOf is the admin view of a stored variant.
func VariantViewOf(v *store.VariantRow) VariantView {
	return VariantView{Code: v.Code, Name: v.Name, ProductCode: v.ProductCode, ProductName: v.ProductName, Kind: string(v.Kind),
		Active: v.Active, ProductActive: v.ProductActive, UnlimitedStock: v.UnlimitedStock, Stock: v.Stock, Multi: v.Multi, Prices: v.Prices}
}

// EditVariants applies edits to variants in one transaction with their audit rows: a bulk edit
// lands whole or not at all.
func (s *Service) EditVariants(ctx context.Context, by Actor, edits []VariantEdit) ([]VariantView, error) {
	for i, e := range edits {
		if e.Code == "" {
			return nil, fieldErr(fmt.Sprintf("edits[%d].code", i), "is required")
		}
		for t, p := range e.Prices {
			if t == "" || p < 0 {
				return nil, fieldErr(fmt.Sprintf("edits[%d].prices", i), "must map tier names to prices of 0 or more")
			}
		}
		if e.Stock != nil && *e.Stock < 0 {
			return nil, fieldErr(fmt.Sprintf("edits[%d].stock", i), "must be 0 or more")
		}
		if e.Name != nil && *e.Name == "" {
			return nil, fieldErr(fmt.Sprintf("edits[%d].name", i), "must not be empty")
		}
	}
	var out []VariantView
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		out = out[:0]
		for _, e := range edits {
			v, err := tx.VariantByCode(ctx, e.Code)
			if err != nil {
				return fmt.Errorf("variant %s: %w", e.Code, err)
			}
			before := VariantViewOf(v)
			before.Prices = copyPrices(v.Prices)
			if e.Name != nil {
				v.Name = *e.Name
			}
			for t, p := range e.Prices {
				v.Prices[t] = p
			}
			if e.Active != nil {
				v.Active = *e.Active
			}
			if e.UnlimitedStock != nil {
				v.UnlimitedStock = *e.UnlimitedStock
			}
			if e.Stock != nil {
				v.Stock = *e.Stock
			}
			cv := v.Variant
			if err := tx.VariantUpsert(ctx, &cv); err != nil {
				return err
			}
			after := VariantViewOf(v)
			if err := tx.AuditInsert(ctx, &store.AuditEntry{Actor: by.Name, IP: by.IP, Action: "catalog.edit", Target: "variant:" + v.Code,
				Before: jsonOf(before), After: jsonOf(after)}); err != nil {
				return err
			}
			out = append(out, after)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func copyPrices(m map[string]int64) map[string]int64 {
	c := make(map[string]int64, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// Variants lists the catalog's variants, optionally of one product.
func (s *Service) Variants(ctx context.Context, product string) ([]VariantView, error) {
	rows, err := s.svc.Variants(ctx, store.VariantFilter{ProductCode: product})
	if err != nil {
		return nil, err
	}
	out := make([]VariantView, 0, len(rows))
	for i := range rows {
		out = append(out, VariantViewOf(&rows[i]))
	}
	return out, nil
}

// Products lists the catalog's products.
func (s *Service) Products(ctx context.Context) ([]catalog.Product, error) {
	return s.svc.Products(ctx)
}

// OrderDetail is an order with its upstream attempts and ledger postings.
type OrderDetail struct {
	Order    *order.Order
	Reseller string
	Attempts []store.Attempt
	Postings []ledger.Posting
}

// Order finds an order by invoice with its attempts and postings.
func (s *Service) Order(ctx context.Context, invoice string) (*OrderDetail, error) {
	o, err := s.db.OrderByInvoice(ctx, 0, invoice)
	if err != nil {
		return nil, err
	}
	d := &OrderDetail{Order: o}
	if r, err := s.db.ResellerByID(ctx, o.ResellerID); err == nil {
		d.Reseller = r.Username
	}
	if d.Attempts, err = s.db.Attempts(ctx, o.ID); err != nil {
		return nil, err
	}
	if d.Postings, err = s.db.PostingsByTxnPrefix(ctx, "order:"+o.Invoice+":"); err != nil {
		return nil, err
	}
	return d, nil
}

// Orders searches orders.
func (s *Service) Orders(ctx context.Context, f store.OrderFilter) ([]order.Order, error) {
	return s.svc.Orders(ctx, f)
}

// ResolveOrder settles a pending order by hand; see core.(*Service).ResolveOrder.
func (s *Service) ResolveOrder(ctx context.Context, by Actor, invoice string, status order.Status, sn, message string) (*order.Order, error) {
	return s.svc.ResolveOrder(ctx, core.Resolution{Invoice: invoice, Status: status, SN: sn, Message: message, Actor: by.Name, IP: by.IP})
}

// AllowPrefix parses an allowlist entry for a new reseller.
func AllowPrefix(s string) (netip.Prefix, error) { return reseller.ParsePrefix(s) }

// ImportCatalog loads a catalog CSV (catalog.ReadCSV's format) all or nothing, and returns how
// many products and variants it saved. The audit row keeps, per variant code, its prices and
// switches before and after.
func (s *Service) ImportCatalog(ctx context.Context, by Actor, r io.Reader) (products, variants int, err error) {
	ps, vs, err := catalog.ReadCSV(r)
	if err != nil {
		var ce *catalog.CSVError
		if errors.As(err, &ce) {
			field := "csv"
			if ce.Column != "" {
				field = ce.Column
			}
			return 0, 0, fieldErr(field, ce.Error())
		}
		return 0, 0, err
	}
	before := map[string]VariantView{}
	for _, v := range vs {
		if old, err := s.db.VariantByCode(ctx, v.Code); err == nil {
			before[v.Code] = VariantViewOf(old)
		} else if !errors.Is(err, store.ErrVariantNotFound) {
			return 0, 0, err
		}
	}
	if err := s.svc.SaveCatalog(ctx, ps, vs); err != nil {
		return 0, 0, err
	}
	after := map[string]VariantView{}
	for _, v := range vs {
		if nv, err := s.db.VariantByCode(ctx, v.Code); err == nil {
			after[v.Code] = VariantViewOf(nv)
		}
	}
	s.audit(ctx, by, "catalog.import", "catalog", before, after)
	return len(ps), len(vs), nil
}
