package store

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/markup"
)

// MarkupRuleSet creates or replaces the rule for (scope, target, tier).
func (tx *Tx) MarkupRuleSet(ctx context.Context, r markup.Rule) error {
	if _, err := tx.exec(ctx, `INSERT INTO markup_rules (scope, target, tier, fixed, percent_bp, floor) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (scope, target, tier) DO UPDATE SET fixed = excluded.fixed, percent_bp = excluded.percent_bp, floor = excluded.floor`,
		string(r.Scope), r.Target, r.Tier, r.Fixed, r.PercentBP, r.Floor); err != nil {
		return fmt.Errorf("set markup rule %s %s %s: %w", r.Scope, r.Target, r.Tier, err)
	}
	return nil
}

// MarkupRuleDelete removes a rule; removing one that does not exist is not an error.
func (tx *Tx) MarkupRuleDelete(ctx context.Context, scope markup.Scope, target, tier string) error {
	if _, err := tx.exec(ctx, `DELETE FROM markup_rules WHERE scope = ? AND target = ? AND tier = ?`, string(scope), target, tier); err != nil {
		return fmt.Errorf("delete markup rule: %w", err)
	}
	return nil
}

// MarkupRules lists every markup rule.
func (q Q) MarkupRules(ctx context.Context) ([]markup.Rule, error) {
	rows, err := q.query(ctx, `SELECT scope, target, tier, fixed, percent_bp, floor FROM markup_rules ORDER BY scope, target, tier`)
	if err != nil {
		return nil, fmt.Errorf("list markup rules: %w", err)
	}
	defer rows.Close()
	var out []markup.Rule
	for rows.Next() {
		var r markup.Rule
		var scope string
		if err := rows.Scan(&scope, &r.Target, &r.Tier, &r.Fixed, &r.PercentBP, &r.Floor); err != nil {
			return nil, err
		}
		r.Scope = markup.Scope(scope)
		out = append(out, r)
	}
	return out, rows.Err()
}
