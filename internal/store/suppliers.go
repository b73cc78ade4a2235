package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/supplier"
)

// Supplier kinds: the dialect Kios speaks to buy from it.
const (
	KindBasstore   = supplier.KindBasstore
	KindDigiswitch = supplier.KindDigiswitch
	KindSimulator  = supplier.KindSimulator
	KindDigiflazz  = supplier.KindDigiflazz
	KindOtomax     = supplier.KindOtomax
)

// Errors of the supplier registry.
var (
	ErrSupplierNotFound = supplier.ErrNotFound
	ErrSupplierExists   = supplier.ErrExists
)

// Supplier is supplier.Registered.
type Supplier = supplier.Registered

// DefaultMaxInflight is a supplier's bound on requests in flight unless set otherwise.
const DefaultMaxInflight = 1000

const supplierCols = `id, name, kind, base_url, token, username, api_key, callback_secret, enabled, max_inflight, rate, reply_patterns, balance, balance_at, created_at, updated_at`

func (q Q) scanSupplier(row interface{ Scan(...any) error }) (*Supplier, error) {
	var s Supplier
	var bat, c, u int64
	if err := row.Scan(&s.ID, &s.Name, &s.Kind, &s.BaseURL, &s.Token, &s.Username, &s.APIKey, &s.CallbackSecret,
		&s.Enabled, &s.MaxInflight, &s.Rate, &s.ReplyPatterns, &s.Balance, &bat, &c, &u); err != nil {
		return nil, err
	}
	s.BalanceAt, s.CreatedAt, s.UpdatedAt = fromMicros(bat), fromMicros(c), fromMicros(u)
	if err := q.openAll("suppliers.token", &s.Token, "suppliers.api_key", &s.APIKey, "suppliers.callback_secret", &s.CallbackSecret); err != nil {
		return nil, fmt.Errorf("supplier %s: %w", s.Name, err)
	}
	return &s, nil
}

// SupplierInsert registers a supplier and creates its deposit account. It returns
// ErrSupplierExists, changing nothing, when the name is taken.
func (tx *Tx) SupplierInsert(ctx context.Context, s *Supplier) error {
	tx.catalogChanged = true // what routes an order: the routes and loss-limit caches read it (issue 23)
	now := tx.now()
	s.CreatedAt, s.UpdatedAt = now, now
	if s.MaxInflight <= 0 {
		s.MaxInflight = DefaultMaxInflight
	}
	sealed := []string{s.Token, s.APIKey, s.CallbackSecret}
	for i, col := range []string{"suppliers.token", "suppliers.api_key", "suppliers.callback_secret"} {
		var err error
		if sealed[i], err = tx.seal(sealed[i], col); err != nil {
			return err
		}
	}
	err := tx.queryRow(ctx, `INSERT INTO suppliers (name, kind, base_url, token, username, api_key, callback_secret, enabled, max_inflight, rate, reply_patterns, balance, balance_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id`,
		s.Name, s.Kind, s.BaseURL, sealed[0], s.Username, sealed[1], sealed[2], s.Enabled, s.MaxInflight, s.Rate, s.ReplyPatterns, micros(now), micros(now)).Scan(&s.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("supplier %s: %w", s.Name, ErrSupplierExists)
	}
	if err != nil {
		return fmt.Errorf("insert supplier %s: %w", s.Name, err)
	}
	_, err = tx.SystemAccountEnsure(ctx, ledger.SupplierCode(s.ID), ledger.SupplierDeposit)
	return err
}

// SupplierSetEnabled takes a supplier into or out of rotation.
func (tx *Tx) SupplierSetEnabled(ctx context.Context, name string, enabled bool) error {
	tx.catalogChanged = true // what routes an order: the routes and loss-limit caches read it (issue 23)
	res, err := tx.exec(ctx, `UPDATE suppliers SET enabled = ?, updated_at = ? WHERE name = ?`, enabled, micros(tx.now()), name)
	if err != nil {
		return fmt.Errorf("set supplier %s enabled: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("supplier %s: %w", name, ErrSupplierNotFound)
	}
	return nil
}

// SupplierSetBounds sets a supplier's bound on requests in flight and its rate (requests per
// second, 0 for none). Changing updated_at makes every node's router rebuild its connector,
// and with it the connection pool sized by the bound.
func (tx *Tx) SupplierSetBounds(ctx context.Context, name string, maxInflight int, rate float64) error {
	res, err := tx.exec(ctx, `UPDATE suppliers SET max_inflight = ?, rate = ?, updated_at = ? WHERE name = ?`, maxInflight, rate, micros(tx.now()), name)
	if err != nil {
		return fmt.Errorf("set supplier %s bounds: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("supplier %s: %w", name, ErrSupplierNotFound)
	}
	return nil
}

// SupplierSetReplyPatterns sets an Otomax supplier's reply patterns (JSON; "" for the defaults).
// Changing updated_at makes every node's router rebuild its connector with them.
func (tx *Tx) SupplierSetReplyPatterns(ctx context.Context, name, patterns string) error {
	res, err := tx.exec(ctx, `UPDATE suppliers SET reply_patterns = ?, updated_at = ? WHERE name = ?`, patterns, micros(tx.now()), name)
	if err != nil {
		return fmt.Errorf("set supplier %s reply patterns: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("supplier %s: %w", name, ErrSupplierNotFound)
	}
	return nil
}

// SupplierSetBalance records Kios's balance at a supplier, as the supplier reported it.
func (tx *Tx) SupplierSetBalance(ctx context.Context, id, balance int64) error {
	if _, err := tx.exec(ctx, `UPDATE suppliers SET balance = ?, balance_at = ? WHERE id = ?`, balance, micros(tx.now()), id); err != nil {
		return fmt.Errorf("set supplier %d balance: %w", id, err)
	}
	return nil
}

// Suppliers lists the registered suppliers by name.
func (q Q) Suppliers(ctx context.Context) ([]Supplier, error) {
	rows, err := q.query(ctx, `SELECT `+supplierCols+` FROM suppliers ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list suppliers: %w", err)
	}
	defer rows.Close()
	var out []Supplier
	for rows.Next() {
		s, err := q.scanSupplier(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *s)
	}
	return out, rows.Err()
}

// SupplierByName finds a supplier (ErrSupplierNotFound).
func (q Q) SupplierByName(ctx context.Context, name string) (*Supplier, error) {
	s, err := q.scanSupplier(q.queryRow(ctx, `SELECT `+supplierCols+` FROM suppliers WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("supplier %s: %w", name, ErrSupplierNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get supplier %s: %w", name, err)
	}
	return s, nil
}

// SupplierProduct is supplier.Product.
type SupplierProduct = supplier.Product

const supplierProductCols = `sp.id, sp.supplier_id, sp.code, sp.name, sp.product_code, sp.product_name, sp.category, sp.kind,
	sp.cost, sp.active, COALESCE(sp.variant_id, 0), sp.priority, sp.updated_at`

func scanSupplierProduct(row interface{ Scan(...any) error }, extra ...any) (*SupplierProduct, error) {
	var p SupplierProduct
	var u int64
	dst := append([]any{&p.ID, &p.SupplierID, &p.Code, &p.Name, &p.ProductCode, &p.ProductName, &p.Category, &p.Kind,
		&p.Cost, &p.Active, &p.VariantID, &p.Priority, &u}, extra...)
	if err := row.Scan(dst...); err != nil {
		return nil, err
	}
	p.UpdatedAt = fromMicros(u)
	return &p, nil
}

// SupplierProductUpsert creates or updates a supplier's product by (supplier, code), keeping
// its variant mapping and priority, and records a cost change in price_changes. It sets p.ID
// and returns the previous cost (-1 when the product is new).
func (tx *Tx) SupplierProductUpsert(ctx context.Context, p *SupplierProduct) (int64, error) {
	tx.catalogChanged = true // what routes an order: the routes and loss-limit caches read it (issue 23)
	now := micros(tx.now())
	if p.Kind == "" {
		p.Kind = "prepaid"
	}
	old := int64(-1)
	err := tx.queryRow(ctx, `SELECT id, cost, COALESCE(variant_id, 0), priority FROM supplier_products WHERE supplier_id = ? AND code = ?`,
		p.SupplierID, p.Code).Scan(&p.ID, &old, &p.VariantID, &p.Priority)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.queryRow(ctx, `INSERT INTO supplier_products (supplier_id, code, name, product_code, product_name, category, kind, cost, active,
				variant_id, priority, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.SupplierID, p.Code, p.Name, p.ProductCode, p.ProductName, p.Category, p.Kind, p.Cost, p.Active,
			nullID(p.VariantID), p.Priority, now, now).Scan(&p.ID)
		if err != nil {
			return 0, fmt.Errorf("insert supplier product %s: %w", p.Code, err)
		}
		return -1, nil
	case err != nil:
		return 0, fmt.Errorf("get supplier product %s: %w", p.Code, err)
	}
	if _, err := tx.exec(ctx, `UPDATE supplier_products SET name = ?, product_code = ?, product_name = ?, category = ?, kind = ?, cost = ?,
			active = ?, updated_at = ? WHERE id = ?`,
		p.Name, p.ProductCode, p.ProductName, p.Category, p.Kind, p.Cost, p.Active, now, p.ID); err != nil {
		return 0, fmt.Errorf("update supplier product %s: %w", p.Code, err)
	}
	if old != p.Cost {
		if err := tx.PriceChangeInsert(ctx, PriceChange{Kind: "cost", SupplierProductID: p.ID, VariantID: p.VariantID, Old: old, New: p.Cost}); err != nil {
			return 0, err
		}
	}
	return old, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// SupplierProductMap points a supplier's product at one of our variants, with a priority
// among that variant's suppliers (lower first).
func (tx *Tx) SupplierProductMap(ctx context.Context, supplierID int64, code string, variantID int64, priority int) error {
	tx.catalogChanged = true // what routes an order: the routes and loss-limit caches read it (issue 23)
	res, err := tx.exec(ctx, `UPDATE supplier_products SET variant_id = ?, priority = ?, updated_at = ? WHERE supplier_id = ? AND code = ?`,
		nullID(variantID), priority, micros(tx.now()), supplierID, code)
	if err != nil {
		return fmt.Errorf("map supplier product %s: %w", code, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("supplier product %s: %w", code, ErrNotFound)
	}
	return nil
}

// SupplierProducts lists a supplier's products by code; supplierID 0 lists every supplier's.
func (q Q) SupplierProducts(ctx context.Context, supplierID int64) ([]SupplierProduct, error) {
	where, args := "1 = 1", []any{}
	if supplierID != 0 {
		where, args = "sp.supplier_id = ?", []any{supplierID}
	}
	rows, err := q.query(ctx, `SELECT `+supplierProductCols+` FROM supplier_products sp WHERE `+where+` ORDER BY sp.supplier_id, sp.code`, args...)
	if err != nil {
		return nil, fmt.Errorf("list supplier products: %w", err)
	}
	defer rows.Close()
	var out []SupplierProduct
	for rows.Next() {
		p, err := scanSupplierProduct(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// Route is one way to fulfil a variant: an enabled supplier's active product mapped to it.
type Route struct {
	Product  SupplierProduct
	Supplier string // the supplier's name
	// Policy is the variant's product's own routing policy ("": the global one).
	Policy string
}

// Routes lists the ways to fulfil a variant, best first: by priority, then cost.
func (q Q) Routes(ctx context.Context, variantID int64) ([]Route, error) {
	rows, err := q.query(ctx, `SELECT `+supplierProductCols+`, s.name, COALESCE(p.routing, '') FROM supplier_products sp
		JOIN suppliers s ON s.id = sp.supplier_id
		LEFT JOIN variants v ON v.id = sp.variant_id LEFT JOIN products p ON p.id = v.product_id
		WHERE sp.variant_id = ? AND sp.active AND s.enabled ORDER BY sp.priority, sp.cost, sp.id`, variantID)
	if err != nil {
		return nil, fmt.Errorf("routes of variant %d: %w", variantID, err)
	}
	defer rows.Close()
	var out []Route
	for rows.Next() {
		var r Route
		p, err := scanSupplierProduct(rows, &r.Supplier, &r.Policy)
		if err != nil {
			return nil, err
		}
		r.Product = *p
		out = append(out, r)
	}
	return out, rows.Err()
}

// PriceChange is one recorded change of a supplier's cost ("cost") or of a sell price ("price").
type PriceChange struct {
	ID                int64
	Kind              string
	SupplierProductID int64
	VariantID         int64
	Tier              string
	Old, New          int64 // Old is -1 for a price that did not exist before
	ChangedAt         time.Time
}

// PriceChangeInsert records a price change.
func (tx *Tx) PriceChangeInsert(ctx context.Context, c PriceChange) error {
	if _, err := tx.exec(ctx, `INSERT INTO price_changes (kind, supplier_product_id, variant_id, tier, old_amount, new_amount, changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.Kind, nullID(c.SupplierProductID), nullID(c.VariantID), c.Tier, c.Old, c.New, micros(tx.now())); err != nil {
		return fmt.Errorf("record %s change: %w", c.Kind, err)
	}
	return nil
}

// PriceChanges lists recorded changes since a time, newest first.
func (q Q) PriceChanges(ctx context.Context, since time.Time, limit int) ([]PriceChange, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := q.query(ctx, `SELECT id, kind, COALESCE(supplier_product_id, 0), COALESCE(variant_id, 0), tier, old_amount, new_amount, changed_at
		FROM price_changes WHERE changed_at >= ? ORDER BY id DESC LIMIT ?`, micros(since), limit)
	if err != nil {
		return nil, fmt.Errorf("list price changes: %w", err)
	}
	defer rows.Close()
	var out []PriceChange
	for rows.Next() {
		var c PriceChange
		var at int64
		if err := rows.Scan(&c.ID, &c.Kind, &c.SupplierProductID, &c.VariantID, &c.Tier, &c.Old, &c.New, &at); err != nil {
			return nil, err
		}
		c.ChangedAt = fromMicros(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// AttemptByReference finds an attempt by the reference Kios sent upstream.
func (q Q) AttemptByReference(ctx context.Context, ref string) (*Attempt, error) {
	var a Attempt
	var c, u int64
	invoice, n, ok := AttemptNumber(ref)
	if !ok {
		return nil, fmt.Errorf("attempt %s: %w", ref, ErrNotFound)
	}
	invIs, args := q.invoiceIs("o.invoice", invoice)
	refScan := newAttemptRef(&a.Reference)
	err := q.queryRow(ctx, `SELECT `+attemptCols+`
		FROM attempts a JOIN orders o ON o.id = a.order_id WHERE `+invIs+` AND a.number = ?`, append(args, n)...).
		Scan(&a.ID, &a.OrderID, &a.Supplier, &a.SKU, refScan.Invoice(), refScan.Number(), &a.State, &a.SN, &a.Message, &a.Raw, &a.Cost, &a.Polls, &a.UpstreamRef, &c, &u)
	if err != nil {
		return nil, notFound(err, "attempt "+ref)
	}
	a.CreatedAt, a.UpdatedAt = fromMicros(c), fromMicros(u)
	return &a, nil
}

// SupplierProductsRetire marks inactive a supplier's products of kind not seen by a sync that
// started at since (their updated_at is older), and returns the variants they served, to be
// repriced.
func (tx *Tx) SupplierProductsRetire(ctx context.Context, supplierID int64, kind string, since time.Time) ([]int64, error) {
	tx.catalogChanged = true // what routes an order: the routes and loss-limit caches read it (issue 23)
	rows, err := tx.query(ctx, `UPDATE supplier_products SET active = FALSE, updated_at = ?
		WHERE supplier_id = ? AND kind = ? AND active AND updated_at < ? RETURNING COALESCE(variant_id, 0)`,
		micros(tx.now()), supplierID, kind, micros(since))
	if err != nil {
		return nil, fmt.Errorf("retire supplier %d products: %w", supplierID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if id != 0 {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// RoutedVariants lists, for every variant some enabled supplier's active product fulfils, the
// suppliers and SKUs that do: what a router needs to tell which variants no supplier can take
// (gangguan) without a query per variant.
func (q Q) RoutedVariants(ctx context.Context) (map[int64][]Route, error) {
	rows, err := q.query(ctx, `SELECT `+supplierProductCols+`, s.name FROM supplier_products sp JOIN suppliers s ON s.id = sp.supplier_id
		WHERE sp.variant_id IS NOT NULL AND sp.active AND s.enabled`)
	if err != nil {
		return nil, fmt.Errorf("routed variants: %w", err)
	}
	defer rows.Close()
	out := map[int64][]Route{}
	for rows.Next() {
		var r Route
		p, err := scanSupplierProduct(rows, &r.Supplier)
		if err != nil {
			return nil, err
		}
		r.Product = *p
		out[p.VariantID] = append(out[p.VariantID], r)
	}
	return out, rows.Err()
}
