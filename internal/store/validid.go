package store

import (
	"context"
	"fmt"
)

// ProductSetRequireValidID turns a product's require_valid_id on or off (ErrProductNotFound).
func (tx *Tx) ProductSetRequireValidID(ctx context.Context, code string, on bool) error {
	tx.catalogChanged = true
	res, err := tx.exec(ctx, `UPDATE products SET require_valid_id = ?, updated_at = ? WHERE code = ?`, on, micros(tx.now()), code)
	if err != nil {
		return fmt.Errorf("set product %s require_valid_id: %w", code, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrProductNotFound
	}
	return nil
}

// ProductsRequiringValidID lists the codes of the products with require_valid_id on.
func (q Q) ProductsRequiringValidID(ctx context.Context) ([]string, error) {
	return q.texts(ctx, "products requiring a valid id", `SELECT code FROM products WHERE require_valid_id ORDER BY code`)
}

// texts runs a query of one text column and returns its values; what names the list in errors.
func (q Q) texts(ctx context.Context, what, query string, args ...any) ([]string, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ProductSetDest sets a product's destination format and pattern (ErrProductNotFound); the
// caller has checked them (catalog.Product.CheckDest).
func (tx *Tx) ProductSetDest(ctx context.Context, code, format, pattern string) error {
	tx.catalogChanged = true
	res, err := tx.exec(ctx, `UPDATE products SET dest_format = ?, dest_pattern = ?, updated_at = ? WHERE code = ?`, format, pattern, micros(tx.now()), code)
	if err != nil {
		return fmt.Errorf("set product %s destination: %w", code, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrProductNotFound
	}
	return nil
}

// ProductSetImage sets a product's image URL ("" for none; ErrProductNotFound); the caller has
// checked it (catalog.CheckImage).
func (tx *Tx) ProductSetImage(ctx context.Context, code, image string) error {
	tx.catalogChanged = true
	res, err := tx.exec(ctx, `UPDATE products SET image = ?, updated_at = ? WHERE code = ?`, image, micros(tx.now()), code)
	if err != nil {
		return fmt.Errorf("set product %s image: %w", code, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrProductNotFound
	}
	return nil
}
