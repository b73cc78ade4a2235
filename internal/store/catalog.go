package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"github.com/kios-h2h/kios/internal/catalog"
)

// ErrVariantNotFound and ErrProductNotFound are returned for unknown codes (the catalog's: what
// the core's callers test for).
var (
	ErrVariantNotFound = catalog.ErrVariantNotFound
	ErrProductNotFound = catalog.ErrProductNotFound
)

// ProductUpsert creates or updates a product by code and sets its id.
func (tx *Tx) ProductUpsert(ctx context.Context, p *catalog.Product) error {
	tx.catalogChanged = true
	now := micros(tx.now())
	// A product is written whole, as the catalog CSV carries it: require_valid_id and the
	// destination's format and pattern included.
	err := tx.queryRow(ctx, `INSERT INTO products (code, name, category, brand, active, require_valid_id, dest_format, dest_pattern, image,
			created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, category = excluded.category, brand = excluded.brand,
			active = excluded.active, require_valid_id = excluded.require_valid_id, dest_format = excluded.dest_format,
			dest_pattern = excluded.dest_pattern, image = excluded.image, updated_at = excluded.updated_at
		RETURNING id`, p.Code, p.Name, p.Category, p.Brand, p.Active, p.RequireValidID, p.DestFormat, p.DestPattern, p.Image, now, now).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("upsert product %s: %w", p.Code, err)
	}
	return nil
}

// VariantUpsert creates or updates a variant by code (ProductID must be set), replacing its prices.
func (tx *Tx) VariantUpsert(ctx context.Context, v *catalog.Variant) error {
	tx.catalogChanged = true
	now := micros(tx.now())
	kind := v.Kind
	if kind == "" {
		kind = catalog.Prepaid
	}
	err := tx.queryRow(ctx, `INSERT INTO variants (product_id, code, name, kind, type, description, active, unlimited_stock, stock, multi,
			cutoff_start, cutoff_end, process_duration, admin, commission, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET product_id = excluded.product_id, name = excluded.name, kind = excluded.kind,
			type = excluded.type, description = excluded.description, active = excluded.active,
			unlimited_stock = excluded.unlimited_stock, stock = excluded.stock, multi = excluded.multi,
			cutoff_start = excluded.cutoff_start, cutoff_end = excluded.cutoff_end, process_duration = excluded.process_duration,
			admin = excluded.admin, commission = excluded.commission, updated_at = excluded.updated_at
		RETURNING id`,
		v.ProductID, v.Code, v.Name, string(kind), v.Type, v.Description, v.Active, v.UnlimitedStock, v.Stock, v.Multi,
		int(v.CutoffStart), int(v.CutoffEnd), v.ProcessDuration, v.Admin, v.Commission, now, now).Scan(&v.ID)
	if err != nil {
		return fmt.Errorf("upsert variant %s: %w", v.Code, err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM variant_prices WHERE variant_id = ?`, v.ID); err != nil {
		return fmt.Errorf("upsert variant %s prices: %w", v.Code, err)
	}
	tiers := make([]string, 0, len(v.Prices))
	for t := range v.Prices {
		tiers = append(tiers, t)
	}
	sort.Strings(tiers)
	for _, t := range tiers {
		if _, err := tx.exec(ctx, `INSERT INTO variant_prices (variant_id, tier, price) VALUES (?, ?, ?)`, v.ID, t, v.Prices[t]); err != nil {
			return fmt.Errorf("upsert variant %s price %s: %w", v.Code, t, err)
		}
	}
	return nil
}

// VariantStockTake takes one unit of a limited-stock variant; false when none is left.
// Unlimited variants always succeed.
func (tx *Tx) VariantStockTake(ctx context.Context, variantID int64) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE variants SET stock = stock - 1 WHERE id = ? AND NOT unlimited_stock AND stock > 0`, variantID)
	if err != nil {
		return false, fmt.Errorf("take stock of variant %d: %w", variantID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// VariantStockReturn gives back one unit taken by VariantStockTake.
func (tx *Tx) VariantStockReturn(ctx context.Context, variantID int64) error {
	if _, err := tx.exec(ctx, `UPDATE variants SET stock = stock + 1 WHERE id = ? AND NOT unlimited_stock`, variantID); err != nil {
		return fmt.Errorf("return stock of variant %d: %w", variantID, err)
	}
	return nil
}

// ProductSetActive switches a product on or off.
func (tx *Tx) ProductSetActive(ctx context.Context, code string, active bool) error {
	tx.catalogChanged = true
	res, err := tx.exec(ctx, `UPDATE products SET active = ?, updated_at = ? WHERE code = ?`, active, micros(tx.now()), code)
	if err != nil {
		return fmt.Errorf("set product %s active: %w", code, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrProductNotFound
	}
	return nil
}

// VariantSetActive switches a variant on or off.
func (tx *Tx) VariantSetActive(ctx context.Context, code string, active bool) error {
	tx.catalogChanged = true
	res, err := tx.exec(ctx, `UPDATE variants SET active = ?, updated_at = ? WHERE code = ?`, active, micros(tx.now()), code)
	if err != nil {
		return fmt.Errorf("set variant %s active: %w", code, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrVariantNotFound
	}
	return nil
}

// Products lists products by code.
func (q Q) Products(ctx context.Context) ([]catalog.Product, error) {
	rows, err := q.query(ctx, `SELECT `+productCols+` FROM products ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list products: %w", err)
	}
	defer rows.Close()
	var out []catalog.Product
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// ProductByCode finds one product.
func (q Q) ProductByCode(ctx context.Context, code string) (*catalog.Product, error) {
	p, err := scanProduct(q.queryRow(ctx, `SELECT `+productCols+` FROM products WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrProductNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get product %s: %w", code, err)
	}
	return p, nil
}

const productCols = `id, code, name, category, brand, active, require_valid_id, dest_format, dest_pattern, image`

func scanProduct(row interface{ Scan(...any) error }) (*catalog.Product, error) {
	var p catalog.Product
	if err := row.Scan(&p.ID, &p.Code, &p.Name, &p.Category, &p.Brand, &p.Active, &p.RequireValidID, &p.DestFormat, &p.DestPattern, &p.Image); err != nil {
		return nil, err
	}
	return &p, nil
}

const variantCols = `v.id, v.product_id, p.code, p.name, p.active, v.code, v.name, v.kind, v.type, v.description, v.active,
	v.unlimited_stock, v.stock, v.multi, v.cutoff_start, v.cutoff_end, v.process_duration, v.admin, v.commission, p.brand,
	p.require_valid_id`

// VariantRow is catalog.VariantRow, the name the store's reads were written with.
type VariantRow = catalog.VariantRow

// scanVariant scans variantCols, then extra columns into extra.
func scanVariant(row interface{ Scan(...any) error }, extra ...any) (*VariantRow, error) {
	var v VariantRow
	var kind string
	var cs, ce int
	dest := append([]any{&v.ID, &v.ProductID, &v.ProductCode, &v.ProductName, &v.ProductActive, &v.Code, &v.Name, &kind, &v.Type,
		&v.Description, &v.Active, &v.UnlimitedStock, &v.Stock, &v.Multi, &cs, &ce, &v.ProcessDuration, &v.Admin, &v.Commission, &v.ProductBrand,
		&v.RequireValidID}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	v.Kind = catalog.Kind(kind)
	v.CutoffStart, v.CutoffEnd = catalog.Clock(cs), catalog.Clock(ce)
	v.Prices = map[string]int64{}
	return &v, nil
}

// VariantByCode finds one variant with its prices.
func (q Q) VariantByCode(ctx context.Context, code string) (*VariantRow, error) {
	// One query, a row per price: order acceptance reads this on every order, and on a database
	// server each query is a round trip.
	rows, err := q.query(ctx, `SELECT `+variantCols+`, vp.tier, vp.price FROM variants v JOIN products p ON p.id = v.product_id
		LEFT JOIN variant_prices vp ON vp.variant_id = v.id WHERE v.code = ?`, code)
	if err != nil {
		return nil, fmt.Errorf("get variant %s: %w", code, err)
	}
	defer rows.Close()
	var v *VariantRow
	for rows.Next() {
		var tier sql.NullString
		var price sql.NullInt64
		row, err := scanVariant(rows, &tier, &price)
		if err != nil {
			return nil, fmt.Errorf("get variant %s: %w", code, err)
		}
		if v == nil {
			v = row
		}
		if tier.Valid {
			v.Prices[tier.String] = price.Int64
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("get variant %s: %w", code, err)
	}
	if v == nil {
		return nil, ErrVariantNotFound
	}
	return v, nil
}

// VariantFilter narrows Variants.
type VariantFilter = catalog.VariantFilter

// Variants lists variants with their prices, by product code then id.
func (q Q) Variants(ctx context.Context, f VariantFilter) ([]VariantRow, error) {
	where, args := "1 = 1", []any{}
	if f.ProductCode != "" {
		where += " AND p.code = ?"
		args = append(args, f.ProductCode)
	}
	if f.Kind != "" {
		where += " AND v.kind = ?"
		args = append(args, string(f.Kind))
	}
	if f.Code != "" {
		where += " AND v.code = ?"
		args = append(args, f.Code)
	}
	rows, err := q.query(ctx, `SELECT `+variantCols+` FROM variants v JOIN products p ON p.id = v.product_id WHERE `+where+` ORDER BY p.code, v.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list variants: %w", err)
	}
	var out []VariantRow
	byID := map[int64]int{}
	for rows.Next() {
		v, err := scanVariant(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		byID[v.ID] = len(out)
		out = append(out, *v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	prow, err := q.query(ctx, `SELECT vp.variant_id, vp.tier, vp.price FROM variant_prices vp
		JOIN variants v ON v.id = vp.variant_id JOIN products p ON p.id = v.product_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list variant prices: %w", err)
	}
	defer prow.Close()
	for prow.Next() {
		var id, price int64
		var tier string
		if err := prow.Scan(&id, &tier, &price); err != nil {
			return nil, err
		}
		if i, ok := byID[id]; ok {
			out[i].Prices[tier] = price
		}
	}
	return out, prow.Err()
}

// VariantPriceSet sets a variant's price for a tier and returns the previous one (-1 if none).
func (tx *Tx) VariantPriceSet(ctx context.Context, variantID int64, tier string, price int64) (int64, error) {
	tx.catalogChanged = true
	old := int64(-1)
	err := tx.queryRow(ctx, `SELECT price FROM variant_prices WHERE variant_id = ? AND tier = ?`, variantID, tier).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("get variant %d price %s: %w", variantID, tier, err)
	}
	if old == price {
		return old, nil
	}
	if _, err := tx.exec(ctx, `INSERT INTO variant_prices (variant_id, tier, price) VALUES (?, ?, ?)
		ON CONFLICT (variant_id, tier) DO UPDATE SET price = excluded.price`, variantID, tier, price); err != nil {
		return 0, fmt.Errorf("set variant %d price %s: %w", variantID, tier, err)
	}
	return old, nil
}

// VariantByID finds one variant with its prices.
func (q Q) VariantByID(ctx context.Context, id int64) (*VariantRow, error) {
	var code string
	err := q.queryRow(ctx, `SELECT code FROM variants WHERE id = ?`, id).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrVariantNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get variant %d: %w", id, err)
	}
	return q.VariantByCode(ctx, code)
}

// ProductSetRouting sets a product's own routing policy ("": the global one).
func (tx *Tx) ProductSetRouting(ctx context.Context, code, policy string) error {
	tx.catalogChanged = true // the routes cache reads a product's policy (issue 23)
	res, err := tx.exec(ctx, `UPDATE products SET routing = ?, updated_at = ? WHERE code = ?`, policy, micros(tx.now()), code)
	if err != nil {
		return fmt.Errorf("set routing of product %s: %w", code, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("product %s: %w", code, ErrProductNotFound)
	}
	return nil
}

// ProductRouting lists the products with a routing policy of their own: code → policy.
func (q Q) ProductRouting(ctx context.Context) (map[string]string, error) {
	rows, err := q.query(ctx, `SELECT code, routing FROM products WHERE routing <> '' ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("product routing: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var code, policy string
		if err := rows.Scan(&code, &policy); err != nil {
			return nil, err
		}
		out[code] = policy
	}
	return out, rows.Err()
}
