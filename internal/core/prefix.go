package core

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/store"
)

// Prefix rules: a pulsa or data variant whose product's brand names a mobile operator in the
// prefix table (TELKOMSEL, INDOSAT, XL, AXIS, TRI, SMARTFREN, …) sells only to numbers that start
// with one of that operator's prefixes. A number of another operator is refused before any money
// is held (catalog.ErrWrongOperator; Digiflazz's rc 52), instead of failing at the supplier
// after a hold and a wait. A destination that is not a number at all (digits after +62/62 → 0)
// is left to the supplier. The operator edits the table (`kios prefix`); products whose brand
// is no operator in it (games, PLN) are not checked.

// OperatorPrefix is one row of the prefix table.
type OperatorPrefix = store.OperatorPrefix

// prefixTable is the prefix table as last read: prefixes by operator.
type prefixTable struct {
	mu     sync.Mutex
	byOp   map[string][]string
	readAt time.Time
}

// prefixTTL is how long the table is trusted: an edit made on another node is seen within it.
const prefixTTL = 30 * time.Second

func (t *prefixTable) invalidate() {
	t.mu.Lock()
	t.readAt = time.Time{}
	t.mu.Unlock()
}

func (s *Service) operatorPrefixes(ctx context.Context) (map[string][]string, error) {
	t := &s.prefixes
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.readAt.IsZero() && time.Since(t.readAt) < prefixTTL {
		return t.byOp, nil
	}
	rows, err := s.db.OperatorPrefixes(ctx)
	if err != nil {
		return nil, err
	}
	byOp := map[string][]string{}
	for _, r := range rows {
		byOp[r.Operator] = append(byOp[r.Operator], r.Prefix)
	}
	t.byOp, t.readAt = byOp, time.Now()
	return byOp, nil
}

// OperatorName normalises a brand or operator name for the prefix table: upper case, letters
// and digits only ("Smart fren" → "SMARTFREN").
func OperatorName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// LocalNumber writes an Indonesian mobile number the way the prefix table does: +62 and 62
// become 0, spaces and dashes go.
func LocalNumber(dest string) string {
	d := strings.NewReplacer(" ", "", "-", "", ".", "").Replace(strings.TrimSpace(dest))
	d = strings.TrimPrefix(d, "+")
	if strings.HasPrefix(d, "62") {
		d = "0" + d[2:]
	}
	return d
}

// routable refuses, before any money is held, an order no supplier can take now (gangguan) and
// one whose number belongs to another operator than the variant's. Test orders go to the
// simulator: suppliers' standing does not concern them, the number rule does.
func (s *Service) routable(ctx context.Context, v *store.VariantRow, dest string, testing bool) error {
	if !testing && s.unavailable(ctx)[v.ID] {
		return catalog.ErrDisrupted
	}
	op := OperatorName(v.ProductBrand)
	if op == "" {
		return nil
	}
	table, err := s.operatorPrefixes(ctx)
	if err != nil {
		return err
	}
	prefixes, ok := table[op]
	if !ok {
		return nil
	}
	num := LocalNumber(dest)
	if num == "" || strings.Trim(num, "0123456789") != "" {
		// Not a phone number at all (an account name, with allow_dot): the supplier judges it.
		return nil
	}
	for _, p := range prefixes {
		if strings.HasPrefix(num, p) {
			return nil
		}
	}
	return catalog.ErrWrongOperator
}

// OperatorPrefixes lists the prefix table by operator, then prefix.
func (s *Service) OperatorPrefixes(ctx context.Context) ([]OperatorPrefix, error) {
	rows, err := s.db.OperatorPrefixes(ctx)
	if err != nil {
		return nil, err
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Operator != rows[j].Operator {
			return rows[i].Operator < rows[j].Operator
		}
		return rows[i].Prefix < rows[j].Prefix
	})
	return rows, nil
}

// SetOperatorPrefix makes numbers starting with prefix (3 to 6 digits, starting 0) belong to an
// operator, replacing the operator it belonged to.
func (s *Service) SetOperatorPrefix(ctx context.Context, prefix, operator string) error {
	prefix = strings.TrimSpace(prefix)
	if len(prefix) < 3 || len(prefix) > 6 || prefix[0] != '0' || strings.Trim(prefix, "0123456789") != "" {
		return &FieldError{Field: "prefix", Reason: "must be 3 to 6 digits starting with 0, like 0812"}
	}
	op := OperatorName(operator)
	if op == "" || len(op) > 32 {
		return &FieldError{Field: "operator", Reason: "must be an operator name of letters and digits, like TELKOMSEL"}
	}
	err := s.db.Batch(ctx, func(tx *store.Tx) error { return tx.OperatorPrefixPut(ctx, prefix, op) })
	s.prefixes.invalidate()
	return err
}

// RemoveOperatorPrefix takes a prefix out of the table (store.ErrNotFound if it was not in it).
func (s *Service) RemoveOperatorPrefix(ctx context.Context, prefix string) error {
	err := s.db.Batch(ctx, func(tx *store.Tx) error { return tx.OperatorPrefixDelete(ctx, strings.TrimSpace(prefix)) })
	s.prefixes.invalidate()
	return err
}
