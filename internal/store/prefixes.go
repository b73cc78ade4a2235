package store

import (
	"context"
	"fmt"
)

// OperatorPrefix is one row of the prefix table: numbers starting with Prefix belong to
// Operator (core's prefix rules).
type OperatorPrefix struct {
	Prefix   string `json:"prefix"`
	Operator string `json:"operator"`
}

// OperatorPrefixes lists the prefix table.
func (q Q) OperatorPrefixes(ctx context.Context) ([]OperatorPrefix, error) {
	rows, err := q.query(ctx, `SELECT prefix, operator FROM operator_prefixes ORDER BY operator, prefix`)
	if err != nil {
		return nil, fmt.Errorf("list operator prefixes: %w", err)
	}
	defer rows.Close()
	var out []OperatorPrefix
	for rows.Next() {
		var p OperatorPrefix
		if err := rows.Scan(&p.Prefix, &p.Operator); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// OperatorPrefixPut makes prefix belong to operator.
func (tx *Tx) OperatorPrefixPut(ctx context.Context, prefix, operator string) error {
	if _, err := tx.exec(ctx, `INSERT INTO operator_prefixes (prefix, operator) VALUES (?, ?)
		ON CONFLICT (prefix) DO UPDATE SET operator = excluded.operator`, prefix, operator); err != nil {
		return fmt.Errorf("set prefix %s: %w", prefix, err)
	}
	return nil
}

// OperatorPrefixDelete takes prefix out of the table (ErrNotFound if it was not in it).
func (tx *Tx) OperatorPrefixDelete(ctx context.Context, prefix string) error {
	res, err := tx.exec(ctx, `DELETE FROM operator_prefixes WHERE prefix = ?`, prefix)
	if err != nil {
		return fmt.Errorf("remove prefix %s: %w", prefix, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("prefix %s: %w", prefix, ErrNotFound)
	}
	return nil
}
