package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/kios-h2h/kios/internal/ledger"
)

// ErrInsufficientFunds is returned by Transfer when the source account would go negative.
var ErrInsufficientFunds = errors.New("insufficient funds")

// ErrAmountRange is returned by Transfer for an amount above ledger.MaxAmount.
var ErrAmountRange = errors.New("amount out of range")

// ErrBalanceRange is returned by Transfer when a balance would leave the int64 range.
var ErrBalanceRange = errors.New("balance out of range")

// ErrLockDomain is returned by Transfer, when Options.AssertLockDomains is on, for a transfer that
// touches a reseller's account from a caller not running under that reseller's key: a write
// outside its lock domain (docs/ARCHITECTURE.md, Group commit), which on PostgreSQL with several
// writers can deadlock with the reseller's own batches.
var ErrLockDomain = errors.New("reseller account touched outside its lock domain")

func availableCode(id int64) string { return ledger.AvailableCode(id) }
func heldCode(id int64) string      { return ledger.HeldCode(id) }

// accountEnsure returns the id of the account with code, creating it if missing.
func (tx *Tx) accountEnsure(ctx context.Context, code, kind string, resellerID int64, allowNegative bool) (int64, error) {
	var rid any
	if resellerID != 0 {
		rid = resellerID
	}
	if _, err := tx.exec(ctx, `INSERT INTO accounts (code, kind, reseller_id, balance, allow_negative) VALUES (?, ?, ?, 0, ?) ON CONFLICT (code) DO NOTHING`,
		code, kind, rid, allowNegative); err != nil {
		return 0, fmt.Errorf("ensure account %s: %w", code, err)
	}
	var id int64
	if err := tx.queryRow(ctx, `SELECT id FROM accounts WHERE code = ?`, code).Scan(&id); err != nil {
		return 0, fmt.Errorf("ensure account %s: %w", code, err)
	}
	return id, nil
}

// SystemAccountEnsure creates a system account (revenue, deposits, cost, a supplier's deposit).
// Deposits runs negative by design, and so does a supplier's deposit account until Kios tells
// the ledger what it paid in.
func (tx *Tx) SystemAccountEnsure(ctx context.Context, code string, kind ledger.Kind) (int64, error) {
	allowNegative := kind == ledger.Deposits || kind == ledger.SupplierDeposit
	return tx.accountEnsure(ctx, code, string(kind), 0, allowNegative)
}

// AccountID returns the id of an existing account.
func (q Q) AccountID(ctx context.Context, code string) (int64, error) {
	var id int64
	if err := q.queryRow(ctx, `SELECT id FROM accounts WHERE code = ?`, code).Scan(&id); err != nil {
		return 0, notFound(err, "account "+code)
	}
	return id, nil
}

// OrderRef names the order a posting belongs to: its id keys the posting, its invoice is what
// the posting is shown under.
type OrderRef struct {
	ID      int64
	Invoice string
}

// postingKey is what a posting is grouped under: a txn text, or an order's id and the posting's
// kind (ledger.OrderPosting), stored as two small integers instead of "order:INVOICE:kind".
type postingKey struct {
	txn     string
	order   OrderRef
	kind    ledger.OrderPosting
	ordered bool
}

func (k postingKey) String() string {
	if k.ordered {
		return ledger.OrderTxn(k.order.Invoice, k.kind)
	}
	return k.txn
}

// columns returns the posting's txn, order_id, kind and memo columns: an order's posting has no
// txn, and an empty memo when its memo is the kind's usual one (ledger.OrderMemo).
func (k postingKey) columns(memo string) (txn, orderID, kind any, m string) {
	if !k.ordered {
		return k.txn, nil, nil, memo
	}
	if memo == ledger.OrderMemo(k.kind, k.order.Invoice) {
		memo = ""
	}
	return nil, k.order.ID, int64(k.kind), memo
}

// keyOf returns txn's key. A txn of an order's form ("order:INVOICE:kind", ledger.OrderTxn)
// naming an existing order is keyed by that order, so that no order posting escapes the
// checks that look postings up by order; Kios's own order postings come through TransferOrder,
// which needs no lookup.
func (tx *Tx) keyOf(ctx context.Context, txn string) (postingKey, error) {
	invoice, kind, ok := ledger.ParseOrderTxn(txn)
	if !ok {
		return postingKey{txn: txn}, nil
	}
	var id int64
	invIs, args := tx.invoiceIs("invoice", invoice)
	err := tx.queryRow(ctx, `SELECT id FROM orders WHERE `+invIs, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return postingKey{txn: txn}, nil
	}
	if err != nil {
		return postingKey{}, fmt.Errorf("transfer %s: %w", txn, err)
	}
	return postingKey{order: OrderRef{ID: id, Invoice: invoice}, kind: kind, ordered: true}, nil
}

// Transfer moves amount from src to dst as one posting, keeping both cached balances. It fails
// with ErrInsufficientFunds, changing nothing, when src may not go negative and holds less than
// amount. The conditional UPDATE is the whole guard: it takes the row's write lock, so two
// concurrent transfers out of one account can never both pass.
//
// Where the dialect asks for it (LateSystemBalances), a shared system account's side of the
// transfer — a credit, or a debit of one that may go negative, neither of which can fail — is
// applied when the batch ends rather than now. Reads of such an account's balance inside the
// batch do not see it yet, and a checked debit of a system account that may not go negative (none
// is made today) is checked against its balance without the batch's pending credits.
//
// An order's postings go through TransferOrder.
func (tx *Tx) Transfer(ctx context.Context, txn string, src, dst int64, amount int64, memo string) error {
	key, err := tx.keyOf(ctx, txn)
	if err != nil {
		return err
	}
	_, err = tx.transfer(ctx, key, src, dst, amount, memo)
	return err
}

// TransferOrder is Transfer for one of order o's postings, of kind k (shown as
// ledger.OrderTxn(o.Invoice, k)).
func (tx *Tx) TransferOrder(ctx context.Context, o OrderRef, k ledger.OrderPosting, src, dst int64, amount int64, memo string) error {
	_, err := tx.transfer(ctx, postingKey{order: o, kind: k, ordered: true}, src, dst, amount, memo)
	return err
}

// TransferOrderFrom is TransferOrder returning src's balance as the debit left it, which costs
// nothing more: the debit's statement returns it. src must not be a shared system account whose
// debit is applied at the batch's end (see Transfer); a reseller's account never is.
func (tx *Tx) TransferOrderFrom(ctx context.Context, o OrderRef, k ledger.OrderPosting, src, dst int64, amount int64, memo string) (int64, error) {
	return tx.transferFrom(ctx, postingKey{order: o, kind: k, ordered: true}, src, dst, amount, memo)
}

// TransferFrom is Transfer returning src's balance as the debit left it (see TransferOrderFrom).
func (tx *Tx) TransferFrom(ctx context.Context, txn string, src, dst int64, amount int64, memo string) (int64, error) {
	key, err := tx.keyOf(ctx, txn)
	if err != nil {
		return 0, err
	}
	return tx.transferFrom(ctx, key, src, dst, amount, memo)
}

func (tx *Tx) transferFrom(ctx context.Context, key postingKey, src, dst int64, amount int64, memo string) (int64, error) {
	bal, err := tx.transfer(ctx, key, src, dst, amount, memo)
	if err == nil && bal == nil {
		return 0, fmt.Errorf("transfer %s: account %d's debit is applied at the batch's end; no balance to return", key, src)
	}
	if err != nil {
		return 0, err
	}
	return *bal, nil
}

// transfer is Transfer; it returns src's new balance unless the debit was deferred.
func (tx *Tx) transfer(ctx context.Context, key postingKey, src, dst int64, amount int64, memo string) (*int64, error) {
	if amount <= 0 {
		return nil, fmt.Errorf("transfer %s: amount %d must be positive", key, amount)
	}
	if amount > ledger.MaxAmount {
		return nil, fmt.Errorf("transfer %s: amount %d: %w", key, amount, ErrAmountRange)
	}
	if src == dst {
		return nil, fmt.Errorf("transfer %s: source and destination are the same account", key)
	}
	if tx.db.opts.AssertLockDomains {
		if err := tx.checkLockDomain(ctx, key.String(), src, dst); err != nil {
			return nil, err
		}
	}
	srcLate, err := tx.deferred(ctx, src, true)
	if err != nil {
		return nil, fmt.Errorf("transfer %s debit: %w", key, err)
	}
	dstLate, err := tx.deferred(ctx, dst, false)
	if err != nil {
		return nil, fmt.Errorf("transfer %s credit: %w", key, err)
	}
	if srcLate {
		tx.mine[src] -= amount
	}
	if dstLate {
		tx.mine[dst] += amount
	}
	bal, err := tx.transferRows(ctx, key, src, dst, amount, memo, srcLate, dstLate)
	if errors.Is(err, ErrInsufficientFunds) {
		// A reseller with balance slots may have its money in them: under its own key the
		// slots are gathered into this account and the debit tried once more (gatherSlots).
		moved, gerr := tx.gatherSlots(ctx, src)
		if gerr != nil {
			return nil, fmt.Errorf("transfer %s: %w", key, gerr)
		}
		if moved {
			bal, err = tx.transferRows(ctx, key, src, dst, amount, memo, srcLate, dstLate)
		}
	}
	return bal, err
}

// transferRows is transfer's statements: the debit (unless srcLate), the credit (unless dstLate)
// and the posting.
func (tx *Tx) transferRows(ctx context.Context, key postingKey, src, dst int64, amount int64, memo string, srcLate, dstLate bool) (*int64, error) {
	if tx.d.WritableCTE {
		// PostgreSQL fails a statement whose bigint arithmetic overflows, so no range guard is
		// needed there: the caller gets the error and the savepoint rolls back.
		return tx.transferOnce(ctx, key, src, dst, amount, memo, !srcLate, !dstLate)
	}
	var srcBal *int64
	if !srcLate {
		// The range guards keep int64 arithmetic exact: SQLite silently stores an overflowing
		// sum as a float, which then neither scans nor sums.
		var bal int64
		err := tx.queryRow(ctx, `UPDATE accounts SET balance = balance - ? WHERE id = ? AND (allow_negative OR balance >= ?) AND balance >= ? RETURNING balance`,
			amount, src, amount, math.MinInt64+amount).Scan(&bal)
		if errors.Is(err, sql.ErrNoRows) {
			var allowNeg bool
			if err := tx.queryRow(ctx, `SELECT balance, allow_negative FROM accounts WHERE id = ?`, src).Scan(&bal, &allowNeg); err == nil && allowNeg {
				return nil, fmt.Errorf("transfer %s debit: %w", key, ErrBalanceRange)
			}
			return nil, ErrInsufficientFunds
		}
		if err != nil {
			return nil, fmt.Errorf("transfer %s debit: %w", key, err)
		}
		srcBal = &bal
	}
	if !dstLate {
		res, err := tx.exec(ctx, `UPDATE accounts SET balance = balance + ? WHERE id = ? AND balance <= ?`, amount, dst, math.MaxInt64-amount)
		if err != nil {
			return nil, fmt.Errorf("transfer %s credit: %w", key, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, fmt.Errorf("transfer %s credit: %w", key, err)
		} else if n == 0 {
			return nil, fmt.Errorf("transfer %s credit: %w", key, ErrBalanceRange)
		}
	}
	txn, orderID, kind, memo := key.columns(memo)
	if _, err := tx.exec(ctx, `INSERT INTO postings (txn, order_id, kind, source, destination, amount, memo, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, `+postingAtInsert+`)`,
		txn, orderID, kind, src, dst, amount, memo, micros(tx.now()), orderID); err != nil {
		return nil, fmt.Errorf("transfer %s posting: %w", key, err)
	}
	return srcBal, nil
}

// transferOnce is Transfer as one statement, on backends with writable CTEs: the debit (when
// debit), the credit (when credit) and the posting, each conditional on the debit having passed.
// One round trip instead of three on the hottest path of order acceptance.
func (tx *Tx) transferOnce(ctx context.Context, key postingKey, src, dst, amount int64, memo string, debit, credit bool) (*int64, error) {
	var q strings.Builder
	var args []any
	from := ""
	if debit {
		q.WriteString(`WITH d AS (UPDATE accounts SET balance = balance - ? WHERE id = ? AND (allow_negative OR balance >= ?) RETURNING id, balance)`)
		args = append(args, amount, src, amount)
		from = " FROM d"
	}
	if credit {
		if debit {
			q.WriteString(`, c AS (UPDATE accounts SET balance = balance + ? WHERE id = ? AND EXISTS (SELECT 1 FROM d) RETURNING id)`)
			from = " FROM d, c"
		} else {
			q.WriteString(`WITH c AS (UPDATE accounts SET balance = balance + ? WHERE id = ? RETURNING id)`)
			from = " FROM c"
		}
		args = append(args, amount, dst)
	}
	// The debit's new balance comes back through the posting's RETURNING: a statement's CTEs
	// are in scope in all of it.
	ret := "NULL"
	if debit {
		ret = "(SELECT balance FROM d)"
	}
	txn, orderID, kind, memo := key.columns(memo)
	q.WriteString(` INSERT INTO postings (txn, order_id, kind, source, destination, amount, memo, created_at) SELECT ?, ?, ?, ?, ?, ?, ?, ` + postingAtInsert + from + ` RETURNING id, ` + ret)
	args = append(args, txn, orderID, kind, src, dst, amount, memo, micros(tx.now()), orderID)
	var id int64
	var bal sql.NullInt64
	err := tx.queryRow(ctx, q.String(), args...).Scan(&id, &bal)
	if errors.Is(err, sql.ErrNoRows) {
		if debit {
			return nil, ErrInsufficientFunds
		}
		return nil, fmt.Errorf("transfer %s: account %d: %w", key, dst, ErrNotFound)
	}
	if err != nil {
		if tx.d.IsOutOfRange != nil && tx.d.IsOutOfRange(err) {
			return nil, fmt.Errorf("transfer %s: %w: %w", key, ErrBalanceRange, err)
		}
		return nil, fmt.Errorf("transfer %s: %w", key, err)
	}
	if !bal.Valid {
		return nil, nil
	}
	return &bal.Int64, nil
}

// accountTraits is what never changes about an account once it exists: its reseller (0 for a
// shared system account), whether it may go negative, its kind, and for a reseller's account
// its balance slot (0 for the reseller's own two accounts; ledger.SlotAvailableCode).
type accountTraits struct {
	reseller      int64
	allowNegative bool
	kind          string
	slot          int
}

// traits returns account id's traits, cached for the DB's life.
func (tx *Tx) traits(ctx context.Context, id int64) (accountTraits, error) {
	if v, ok := tx.db.system.Load(id); ok {
		return v.(accountTraits), nil
	}
	var t accountTraits
	var code string
	err := tx.queryRow(ctx, `SELECT COALESCE(reseller_id, 0), allow_negative, kind, code FROM accounts WHERE id = ?`, id).Scan(&t.reseller, &t.allowNegative, &t.kind, &code)
	if err != nil {
		return t, notFound(err, fmt.Sprintf("account %d", id))
	}
	if t.reseller != 0 {
		t.slot = slotOfCode(code)
	}
	tx.db.system.Store(id, t)
	return t, nil
}

// deferred reports whether Transfer defers its change to account id to the end of the batch: only
// for system accounts, and for a debit only when the account may go negative.
func (tx *Tx) deferred(ctx context.Context, id int64, debit bool) (bool, error) {
	if !tx.d.LateSystemBalances {
		return false, nil
	}
	t, err := tx.traits(ctx, id)
	if err != nil {
		return false, err
	}
	return t.reseller == 0 && (!debit || t.allowNegative), nil
}

// checkLockDomain is Options.AssertLockDomains: each of the transfer's accounts that belongs to a
// reseller must belong to the reseller whose key the caller runs under. No write moves money
// between two resellers, so one key per caller is enough; one that must would take both
// resellers' keys, which BatchKey cannot give, and is refused here until it can.
func (tx *Tx) checkLockDomain(ctx context.Context, txn string, accounts ...int64) error {
	for _, id := range accounts {
		t, err := tx.traits(ctx, id)
		if err != nil {
			return fmt.Errorf("transfer %s: %w", txn, err)
		}
		// A reseller's own key covers its slots too (a gather takes them all, in slot order);
		// a slot's key covers that slot only.
		if t.reseller != 0 && t.reseller != tx.key && SlotKey(t.reseller, t.slot) != tx.key {
			return fmt.Errorf("transfer %s: account %d of reseller %d slot %d, in a caller under key %d: %w", txn, id, t.reseller, t.slot, tx.key, ErrLockDomain)
		}
	}
	return nil
}

// Balance returns an account's cached balance. A reseller's available or held balance
// (ledger.AvailableCode, HeldCode) is the sum of its balance slots' accounts of that kind.
func (q Q) Balance(ctx context.Context, code string) (int64, error) {
	if id, kind, ok := resellerBalanceCode(code); ok {
		return q.resellerBalance(ctx, id, kind)
	}
	var b int64
	err := q.queryRow(ctx, `SELECT balance FROM accounts WHERE code = ?`, code).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("balance %s: %w", code, err)
	}
	return b, nil
}

// Balance returns an account's balance as this transaction has left it, including the changes to
// system accounts that Transfer holds back until the batch ends.
func (tx *Tx) Balance(ctx context.Context, code string) (int64, error) {
	if id, kind, ok := resellerBalanceCode(code); ok {
		// A reseller's accounts are never deferred: no late changes to add.
		return tx.resellerBalance(ctx, id, kind)
	}
	var id, b int64
	err := tx.queryRow(ctx, `SELECT id, balance FROM accounts WHERE code = ?`, code).Scan(&id, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("balance %s: %w", code, err)
	}
	return b + tx.late[id] + tx.mine[id], nil
}

// Accounts lists all accounts.
func (q Q) Accounts(ctx context.Context) ([]ledger.Account, error) {
	rows, err := q.query(ctx, `SELECT id, code, kind, COALESCE(reseller_id, 0), balance, allow_negative FROM accounts ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var out []ledger.Account
	for rows.Next() {
		var a ledger.Account
		var kind string
		if err := rows.Scan(&a.ID, &a.Code, &kind, &a.ResellerID, &a.Balance, &a.AllowNegative); err != nil {
			return nil, err
		}
		a.Kind = ledger.Kind(kind)
		out = append(out, a)
	}
	return out, rows.Err()
}

// An order's posting keeps its time as microseconds since its order's created_at (migration
// 00261): a hold, made with its order, stores 0, a settlement a few digits, instead of a whole
// timestamp (issue 22, fewer bytes per order). Other postings, and any whose order row is
// missing, keep the time itself. postingAt is a posting's time in a query that names the
// posting p and its order o (LEFT JOIN orders o ON o.id = p.order_id); postingAtInsert is the
// value an INSERT stores, from two arguments: the time, then the posting's order id (or nil).
const (
	postingAt       = `(p.created_at + COALESCE(o.created_at, 0))`
	postingAtInsert = `CAST(? AS BIGINT) - COALESCE((SELECT po.created_at FROM orders po WHERE po.id = ?), 0)`
)

// postingColumns and postingJoins are what q.postings scans: an order's posting is shown under
// its order's invoice (ledger.OrderTxn), with the kind's usual memo when it has none of its own.
const (
	postingColumns = `p.id, p.txn, p.order_id, p.kind, o.invoice, p.source, p.destination, p.amount, p.memo, ` + postingAt + `, s.code, d.code`
	postingJoins   = `FROM postings p JOIN accounts s ON s.id = p.source JOIN accounts d ON d.id = p.destination
		LEFT JOIN orders o ON o.id = p.order_id`
)

// Postings lists an account's postings, newest first; limit 0 means all.
func (q Q) Postings(ctx context.Context, accountCode string, limit int) ([]ledger.Posting, error) {
	query := `SELECT ` + postingColumns + ` ` + postingJoins + `
		WHERE s.code = ? OR d.code = ? ORDER BY p.id DESC`
	args := []any{accountCode, accountCode}
	if limit > 0 {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	return q.postings(ctx, query, args...)
}

// maxRune sorts after every other character under bytewise comparison (SQLite's BINARY, and the
// "C" collation of PostgreSQL's text columns) while being valid UTF-8, which PostgreSQL requires
// of every text parameter.
const maxRune = "\U0010FFFF"

// PostingsByTxnPrefix lists the postings whose txn starts with prefix, in the order they were
// made. An order's prefix ("order:INVOICE:", or with the start of a kind, "order:INVOICE:cost")
// is read by the order's id: its postings have no txn text (ledger.OrderPosting).
func (q Q) PostingsByTxnPrefix(ctx context.Context, prefix string) ([]ledger.Posting, error) {
	where, args := `(p.txn >= ? AND p.txn < ?)`, []any{prefix, prefix + maxRune}
	if rest, ok := strings.CutPrefix(prefix, "order:"); ok {
		if invoice, kind, ok := strings.Cut(rest, ":"); ok && invoice != "" {
			var kinds []string
			for _, k := range ledger.OrderPostings {
				if strings.HasPrefix(k.String(), kind) {
					kinds = append(kinds, strconv.Itoa(int(k)))
				}
			}
			if len(kinds) > 0 {
				invIs, invArgs := q.invoiceIs("invoice", invoice)
				where += ` OR (p.order_id = (SELECT id FROM orders WHERE ` + invIs + `) AND p.kind IN (` + strings.Join(kinds, ", ") + `))`
				args = append(args, invArgs...)
			}
		}
	}
	return q.postings(ctx, `SELECT `+postingColumns+` `+postingJoins+` WHERE `+where+` ORDER BY p.id`, args...)
}

func (q Q) postings(ctx context.Context, query string, args ...any) ([]ledger.Posting, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list postings: %w", err)
	}
	defer rows.Close()
	var out []ledger.Posting
	for rows.Next() {
		var p ledger.Posting
		var txn sql.NullString
		var invoice string
		var hasInvoice bool
		var orderID, kind sql.NullInt64
		if err := rows.Scan(&p.ID, &txn, &orderID, &kind, invoiceScan{inv: &invoice, valid: &hasInvoice}, &p.Source, &p.Destination, &p.Amount, &p.Memo, &p.CreatedAt, &p.SourceCode, &p.DestCode); err != nil {
			return nil, err
		}
		p.Txn = txn.String
		if orderID.Valid {
			inv := invoice
			if !hasInvoice {
				inv = "#" + strconv.FormatInt(orderID.Int64, 10) // its order is gone
			}
			k := ledger.OrderPosting(kind.Int64)
			p.Txn = ledger.OrderTxn(inv, k)
			if p.Memo == "" {
				p.Memo = ledger.OrderMemo(k, inv)
			}
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// DepositRef is a manual credit or debit made under an operator's reference.
type DepositRef struct {
	Amount int64
	Credit bool
	Txn    string
}

// DepositRefClaim records a manual move under (resellerID, reference) and returns true, or, when
// that reference was used already, returns false and what was recorded then, changing nothing.
// Like an order's reference, a concurrent claim of the same reference on another node waits for
// the first and then finds it.
func (tx *Tx) DepositRefClaim(ctx context.Context, resellerID int64, reference string, ref DepositRef) (bool, DepositRef, error) {
	var one int
	err := tx.queryRow(ctx, `INSERT INTO deposit_refs (reseller_id, reference, amount, credit, txn, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (reseller_id, reference) DO NOTHING RETURNING 1`,
		resellerID, reference, ref.Amount, ref.Credit, ref.Txn, micros(tx.now())).Scan(&one)
	if err == nil {
		return true, ref, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, DepositRef{}, fmt.Errorf("deposit reference %q: %w", reference, err)
	}
	var prev DepositRef
	if err := tx.queryRow(ctx, `SELECT amount, credit, txn FROM deposit_refs WHERE reseller_id = ? AND reference = ?`,
		resellerID, reference).Scan(&prev.Amount, &prev.Credit, &prev.Txn); err != nil {
		return false, DepositRef{}, fmt.Errorf("deposit reference %q: %w", reference, err)
	}
	return false, prev, nil
}
