package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kios-h2h/kios/internal/order"
)

// labelCol is column col of table t (an alias, or the table's name) in a query: its label's
// (table labels) when it has one, its own when not.
func labelCol(t, labels, col string) string { return labelColBy(t, "label_id", labels, col) }

// labelColBy is labelCol with the label's id in column idCol.
func labelColBy(t, idCol, labels, col string) string {
	return `CASE WHEN ` + t + `.` + idCol + ` IS NULL THEN ` + t + `.` + col +
		` ELSE (SELECT l.` + col + ` FROM ` + labels + ` l WHERE l.id = ` + t + `.` + idCol + `) END`
}

// orderMessage is the message of the order o in a query: its label's (order_messages, migration
// 00254) when it has one.
var orderMessage = labelColBy("o", "message_id", "order_messages", "message")

// orderCols is what scanOrder reads from the orders table, unaliased.
var orderCols = orderColsOf("orders")

// orderColsOf is what scanOrder reads from the orders table named t in the query (its alias, or
// "orders"). An order sold under a label (label_id, migration 00252) shows the label's variant
// code, product name and dialect, its own being empty; one without a label keeps its own. Its
// updated_at is stored as microseconds since its created_at (migration 00263): 0 until the
// order changes, then a few digits instead of a whole timestamp (issue 22, fewer bytes per order).
func orderColsOf(t string) string {
	label := func(col string) string { return labelCol(t, "order_labels", col) }
	cols := []string{"id", "invoice", "reseller_id", "reference", "variant_id", label("variant_code"), label("product_name"),
		"destination", "price", "cost", "status", "sn", labelColBy(t, "message_id", "order_messages", "message"), "day", "multi", "testing", label("dialect"), "callback_url",
		"created_at", t + ".created_at + " + t + ".updated_at", "stock_taken", "bill_supplier", "bill_ref", "slot"}
	for i, c := range cols {
		if !strings.HasPrefix(c, "CASE") && !strings.HasPrefix(c, t+".") {
			cols[i] = t + "." + c
		}
	}
	return strings.Join(cols, ", ")
}

func scanOrder(row interface{ Scan(...any) error }, more ...any) (*order.Order, error) {
	var o order.Order
	var status string
	var created, updated int64
	var slot sql.NullInt64
	if err := row.Scan(append([]any{&o.ID, invoiceScan{inv: &o.Invoice}, &o.ResellerID, &o.Reference, &o.VariantID, &o.VariantCode, &o.ProductName,
		&o.Destination, &o.Price, &o.Cost, &status, &o.SN, &o.Message, dayScan{&o.Day}, &o.Multi, &o.Testing, &o.Dialect,
		&o.CallbackURL, &created, &updated, &o.StockTaken, &o.BillSupplier, &o.BillRef, &slot}, more...)...); err != nil {
		return nil, err
	}
	o.Slot = int(slot.Int64)
	o.Status = order.Status(status)
	o.CreatedAt, o.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &o, nil
}

// OrderInsert inserts a new order and sets its id. It returns ErrDuplicateReference, changing
// nothing, when the reseller already has an order with that reference.
func (tx *Tx) OrderInsert(ctx context.Context, o *order.Order) error {
	return tx.orderInsert(ctx, o, "", time.Time{})
}

// OrderInsertQueued is OrderInsert followed by JobInsert(ctx, kind, o.ID, runAt): the order and
// its first job. Where the backend has writable CTEs (PostgreSQL) both rows go in one statement,
// one round trip less per order (issue 23); on a duplicate reference neither is inserted.
func (tx *Tx) OrderInsertQueued(ctx context.Context, o *order.Order, kind string, runAt time.Time) error {
	if !tx.d.WritableCTE {
		if err := tx.OrderInsert(ctx, o); err != nil {
			return err
		}
		return tx.JobInsert(ctx, kind, o.ID, runAt)
	}
	if err := tx.orderInsert(ctx, o, kind, runAt); err != nil {
		return err
	}
	tx.jobsMine = true
	return nil
}

// orderInsert inserts o and, when kind is set (writable CTEs only), its job of that kind due at
// runAt, in the same statement.
func (tx *Tx) orderInsert(ctx context.Context, o *order.Order, kind string, runAt time.Time) error {
	now := tx.now()
	o.CreatedAt, o.UpdatedAt = now, now
	day, err := dayNumber(o.Day)
	if err != nil {
		return fmt.Errorf("insert order %s: %w", o.Invoice, err)
	}
	// Sold under a label, the order keeps the label's id and not its texts (migration 00252).
	code, name, dialect := o.VariantCode, o.ProductName, o.Dialect
	label, err := tx.label(ctx, orderLabels, code, name, dialect)
	if err != nil {
		return fmt.Errorf("insert order %s: %w", o.Invoice, err)
	}
	if label.Valid {
		code, name, dialect = "", "", ""
	}
	// ON CONFLICT DO NOTHING rather than catching the error: on PostgreSQL a failed statement
	// would abort the caller's savepoint; here a concurrent insert of the same reference on
	// another node makes this one wait for that transaction and then return no row. It covers
	// both unique keys: no row then means the reference was taken, or (2^-40 odds within a tenth
	// of a second, see order.NewInvoice) the invoice was, which a fresh draw settles.
	for clash := 0; ; clash++ {
		insert := `INSERT INTO orders (invoice, reseller_id, reference, variant_id, variant_code, product_name, destination,
				price, cost, status, sn, message, day, multi, testing, dialect, callback_url, created_at, updated_at, stock_taken,
				bill_supplier, bill_ref, label_id, slot)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING RETURNING id`
		// Slot 0 is stored as NULL: no bytes in the row (issue 22).
		var slot any
		if o.Slot != 0 {
			slot = o.Slot
		}
		args := []any{tx.invoiceKey(o.Invoice), o.ResellerID, o.Reference, o.VariantID, code, name, o.Destination, o.Price, o.Cost,
			string(o.Status), o.SN, o.Message, day, o.Multi, o.Testing, dialect, o.CallbackURL, micros(now), 0, o.StockTaken,
			o.BillSupplier, o.BillRef, label, slot}
		if kind != "" {
			// The job is inserted from the order's RETURNING row: none when the order was not.
			insert = `WITH o AS (` + insert + `), j AS (INSERT INTO jobs (kind, order_id, run_at, attempts, locked_by, locked_until, last_error)
				SELECT ?, id, ?, 0, '', 0, '' FROM o) SELECT id FROM o`
			args = append(args, kind, micros(runAt))
		}
		err = tx.queryRow(ctx, insert, args...).Scan(&o.ID)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("insert order %s: %w", o.Invoice, err)
		}
		var one int
		err = tx.queryRow(ctx, `SELECT 1 FROM orders WHERE reseller_id = ? AND reference = ?`, o.ResellerID, o.Reference).Scan(&one)
		switch {
		case err == nil:
			return ErrDuplicateReference
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("insert order %s: %w", o.Invoice, err)
		case clash >= 8:
			return fmt.Errorf("insert order %s: invoice clashed %d times", o.Invoice, clash+1)
		}
		o.Invoice = order.NewInvoice(now)
	}
}

// labelTable is a table of labels: immutable rows of texts that many rows would otherwise
// repeat (order_labels: what an order was sold as, migration 00252; attempt_labels: the supplier
// and SKU an attempt was sent to, 00253), each with a unique key over all its texts.
type labelTable struct {
	read, insert, all string
	// slot is the table's place in DB.labelIdx.
	slot  int
	ncols int
}

func newLabelTable(slot int, name string, cols ...string) *labelTable {
	conds := make([]string, len(cols))
	marks := make([]string, len(cols))
	for i, c := range cols {
		conds[i], marks[i] = c+" = ?", "?"
	}
	return &labelTable{
		slot: slot, ncols: len(cols),
		all:  `SELECT id, ` + strings.Join(cols, ", ") + ` FROM ` + name + ` ORDER BY id LIMIT ` + strconv.Itoa(labelPreload+1),
		read: `SELECT id FROM ` + name + ` WHERE ` + strings.Join(conds, " AND "),
		insert: `INSERT INTO ` + name + ` (` + strings.Join(cols, ", ") + `) VALUES (` + strings.Join(marks, ", ") + `)
			ON CONFLICT DO NOTHING RETURNING id`,
	}
}

var (
	orderLabels   = newLabelTable(0, "order_labels", "variant_code", "product_name", "dialect")
	attemptLabels = newLabelTable(1, "attempt_labels", "supplier", "sku")
	orderMessages = newLabelTable(2, "order_messages", "message")
)

// labelPreload is how many of a label table's rows a process caches at its first use of the
// table (DB.loadLabels): a few MB at most. A table that fits is then known whole, and a label
// missing from the cache is made without first being looked for.
const labelPreload = 50000

// labelIndex is what a DB knows of one label table.
type labelIndex struct {
	once sync.Once
	// complete is set when every label committed before the load was cached by it: a label
	// missing from the cache since is either new or made by another process (another node, the
	// CLI), and the insert's conflict says which.
	complete bool
}

// loadLabels caches table t's labels, once per process, from the reader pool.
func (db *DB) loadLabels(ctx context.Context, t *labelTable) {
	idx := &db.labelIdx[t.slot]
	idx.once.Do(func() {
		// The first caller's context may end before the load does: the load is the process's.
		rows, err := db.query(context.WithoutCancel(ctx), t.all)
		if err != nil {
			return // not complete: labels are looked for before they are made, as without a load
		}
		defer rows.Close()
		n := 0
		texts := make([]string, t.ncols)
		dest := make([]any, t.ncols+1)
		for i := range texts {
			dest[i+1] = &texts[i]
		}
		for rows.Next() {
			var id int64
			dest[0] = &id
			if err := rows.Scan(dest...); err != nil {
				return
			}
			if n++; n > labelPreload {
				return
			}
			key := labelKey{t: t}
			copy(key.texts[:], texts)
			db.labels.Store(key, id)
		}
		idx.complete = rows.Err() == nil
	})
}

// messageLabel returns the label a final order's message is kept under, and the text its row
// keeps (empty with a label). A supplier's message is often the same for many orders
// ("Transaksi sukses") and often its own (an SN or a balance in it): a label for each would cost
// the second kind twice its bytes, so a message is labelled only once this process has seen it
// before (DB.seenMessages); its first orders keep it in their rows.
func (tx *Tx) messageLabel(ctx context.Context, message string) (sql.NullInt64, string, error) {
	if message == "" || len(message) > maxLabelledMessage {
		return sql.NullInt64{}, message, nil
	}
	if _, ok := tx.db.labels.Load(labelKey{t: orderMessages, texts: [3]string{message}}); !ok && !tx.db.seenMessages.seen(message) {
		return sql.NullInt64{}, message, nil
	}
	label, err := tx.label(ctx, orderMessages, message)
	if err != nil || !label.Valid {
		return label, message, err
	}
	return label, "", nil
}

// maxLabelledMessage is the longest message labelled: longer ones are rarely repeated.
const maxLabelledMessage = 200

// messageSet remembers messages seen, up to a bound: when full it starts again, so that what it
// holds is recent and its memory is bounded (messageSetCap × maxLabelledMessage at most).
type messageSet struct {
	mu sync.Mutex
	m  map[string]struct{}
}

const messageSetCap = 4096

// seen reports whether m was seen before, remembering it.
func (s *messageSet) seen(m string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[m]; ok {
		return true
	}
	if s.m == nil || len(s.m) >= messageSetCap {
		s.m = make(map[string]struct{}, 64)
	}
	s.m[m] = struct{}{}
	return false
}

// labelKey is a label's table and texts, the key of DB.labels.
type labelKey struct {
	t     *labelTable
	texts [3]string
}

// label returns the id of the label of t with these texts, making it when there is none.
// Labels are immutable and never deleted, so an id read from committed data (the reader pool)
// is cached for good; one made in this transaction is not cached, since the transaction may yet
// roll back. Only a label's first rows in a process pay a statement or two: PostgreSQL's write
// path is counted in round trips (issue 23).
func (tx *Tx) label(ctx context.Context, t *labelTable, texts ...string) (sql.NullInt64, error) {
	key := labelKey{t: t}
	args := make([]any, len(texts))
	for i, v := range texts {
		key.texts[i], args[i] = v, v
	}
	if id, ok := tx.db.labels.Load(key); ok {
		return sql.NullInt64{Int64: id.(int64), Valid: true}, nil
	}
	if id, ok := tx.labelsMine[key]; ok {
		return sql.NullInt64{Int64: id, Valid: true}, nil
	}
	if id, ok := tx.labelsKept[key]; ok {
		return sql.NullInt64{Int64: id, Valid: true}, nil
	}
	tx.db.loadLabels(ctx, t)
	var id int64
	if !tx.db.labelIdx[t.slot].complete {
		err := tx.db.queryRow(ctx, t.read, args...).Scan(&id)
		if err == nil {
			tx.db.labels.Store(key, id)
			return sql.NullInt64{Int64: id, Valid: true}, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return sql.NullInt64{}, fmt.Errorf("label: %w", err)
		}
	}
	// A concurrent transaction making the same label makes this insert wait for it and then
	// return no row; the label is then read in this transaction.
	err := tx.queryRow(ctx, t.insert, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.queryRow(ctx, t.read, args...).Scan(&id)
	}
	if err != nil {
		return sql.NullInt64{}, fmt.Errorf("label: %w", err)
	}
	// Read or made in this transaction: cached for the batch's next callers now, and for good
	// once the batch commits with the caller that made it (Tx.keepMine, tryBatch).
	if tx.labelsMine == nil {
		tx.labelsMine = map[labelKey]int64{}
	}
	tx.labelsMine[key] = id
	return sql.NullInt64{Int64: id, Valid: true}, nil
}

// ErrDuplicateReference is returned by OrderInsert for a reference the reseller already used.
var ErrDuplicateReference = errors.New("duplicate reference")

// OrderFinish moves a Pending order to a final status with its SN, message and cost. It returns
// false, changing nothing, when the order is no longer Pending: a final state is reached once.
func (tx *Tx) OrderFinish(ctx context.Context, id int64, status order.Status, sn, message string, cost int64) (bool, error) {
	return tx.OrderFinishJob(ctx, id, status, sn, message, cost, 0)
}

// OrderFinishJob is OrderFinish that also deletes job jobID (when not 0), whether or not the
// order was still Pending: the fulfilment job whose answer settles the order. Where the backend
// has writable CTEs (PostgreSQL) both go in one statement, one round trip less per order
// (issue 23).
func (tx *Tx) OrderFinishJob(ctx context.Context, id int64, status order.Status, sn, message string, cost int64, jobID int64) (bool, error) {
	if !status.Final() {
		return false, fmt.Errorf("finish order %d: %s is not final", id, status)
	}
	label, kept, err := tx.messageLabel(ctx, message)
	if err != nil {
		return false, fmt.Errorf("finish order %d: %w", id, err)
	}
	query := `UPDATE orders SET status = ?, sn = ?, message = ?, message_id = ?, cost = ?, updated_at = ? - created_at WHERE id = ? AND status = 'Pending'`
	args := []any{string(status), sn, kept, label, cost, micros(tx.now()), id}
	switch {
	case jobID != 0 && tx.d.WritableCTE:
		// A data-modifying WITH runs to completion whatever the main statement does.
		query = `WITH d AS (DELETE FROM jobs WHERE id = ?) ` + query
		args = append([]any{jobID}, args...)
	case jobID != 0:
		if err := tx.JobDelete(ctx, jobID); err != nil {
			return false, err
		}
	}
	res, err := tx.exec(ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("finish order %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil || n != 1 {
		return false, err
	}
	if !tx.d.WritableCTE {
		// The order now holds its SN and message for good (OrderSetMessage changes only a
		// Pending order's); its attempts that say the same keep NULL, read as the order's
		// (attemptCols): a settled order's 48 bytes on SQLite (issue 22). PostgreSQL keeps the
		// copies: a statement more per order costs more there than the bytes (issue 23).
		if _, err := tx.exec(ctx, `UPDATE attempts SET sn = CASE WHEN sn = ? THEN NULL ELSE sn END,
			message = CASE WHEN message = ? THEN NULL ELSE message END
			WHERE order_id = ? AND (sn = ? OR message = ?)`, sn, message, id, sn, message); err != nil {
			return false, fmt.Errorf("finish order %d: %w", id, err)
		}
	}
	return true, nil
}

// OrderLateCost records on a Failed order what its supplier charged for a delivery that came after
// the refund (flag late_delivery): the order stays Failed, its cost is what was spent upstream.
func (tx *Tx) OrderLateCost(ctx context.Context, id, cost int64) error {
	if _, err := tx.exec(ctx, `UPDATE orders SET cost = ?, updated_at = ? - created_at WHERE id = ? AND status = 'Failed'`,
		cost, micros(tx.now()), id); err != nil {
		return fmt.Errorf("late cost of order %d: %w", id, err)
	}
	return nil
}

// OrderSetMessage updates a pending order's message (e.g. what the supplier said while pending);
// a final order's message is its attempts' too (OrderFinishJob) and never changes.
func (tx *Tx) OrderSetMessage(ctx context.Context, id int64, message string) error {
	if _, err := tx.exec(ctx, `UPDATE orders SET message = ?, message_id = NULL, updated_at = ? - created_at WHERE id = ? AND status = 'Pending'`,
		message, micros(tx.now()), id); err != nil {
		return fmt.Errorf("set order %d message: %w", id, err)
	}
	return nil
}

// OrderByID finds an order.
func (q Q) OrderByID(ctx context.Context, id int64) (*order.Order, error) {
	return q.orderWhere(ctx, "id = ?", id)
}

// OrderByInvoice finds an order by invoice; resellerID 0 means any reseller's. An invoice made
// before an archive's cut that is not found is an order.ArchivedError (also order.ErrNotFound).
func (q Q) OrderByInvoice(ctx context.Context, resellerID int64, invoice string) (*order.Order, error) {
	var o *order.Order
	var err error
	cond, args := q.invoiceIs("invoice", invoice)
	if resellerID == 0 {
		o, err = q.orderWhere(ctx, cond, args...)
	} else {
		o, err = q.orderWhere(ctx, cond+" AND reseller_id = ?", append(args, resellerID)...)
	}
	if errors.Is(err, order.ErrNotFound) {
		// Not found may be archived: an order.ArchivedError, which is order.ErrNotFound too.
		return nil, q.archivedOrder(ctx, invoice)
	}
	return o, err
}

// OrderByReference finds a reseller's order by its reference.
func (q Q) OrderByReference(ctx context.Context, resellerID int64, ref string) (*order.Order, error) {
	return q.orderWhere(ctx, "reseller_id = ? AND reference = ?", resellerID, ref)
}

// OrderByBillRef returns the payment of the bill inquired at supplier under ref (order.ErrNotFound
// when none): a biller's callback names the inquiry's reference, not the attempt's.
func (q Q) OrderByBillRef(ctx context.Context, supplier, ref string) (*order.Order, error) {
	if ref == "" {
		return nil, order.ErrNotFound
	}
	return q.orderWhere(ctx, "bill_ref <> '' AND bill_ref = ? AND bill_supplier = ?", ref, supplier)
}

func (q Q) orderWhere(ctx context.Context, where string, args ...any) (*order.Order, error) {
	o, err := scanOrder(q.queryRow(ctx, `SELECT `+orderCols+` FROM orders WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, order.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get order: %w", err)
	}
	return o, nil
}

// OrderFilter narrows OrderList.
type OrderFilter = order.Filter

// OrderList lists orders, newest first.
func (q Q) OrderList(ctx context.Context, f OrderFilter) ([]order.Order, error) {
	var conds []string
	var args []any
	if f.ResellerID != 0 {
		conds = append(conds, "reseller_id = ?")
		args = append(args, f.ResellerID)
	}
	switch f.Status {
	case "":
	case order.Pending:
		conds = append(conds, "status = 'Pending'") // named, for the partial index orders_pending
	default:
		conds = append(conds, "status = ?")
		args = append(args, string(f.Status))
	}
	if f.Search != "" {
		inv, invArgs := q.invoiceIs("invoice", f.Search)
		conds = append(conds, "("+inv+" OR reference = ? OR destination = ? OR sn = ?)")
		args = append(append(args, invArgs...), f.Search, f.Search, f.Search)
	}
	if !f.Since.IsZero() {
		conds = append(conds, "created_at >= ?")
		args = append(args, micros(f.Since))
	}
	where := "1 = 1"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := q.query(ctx, `SELECT `+orderCols+` FROM orders WHERE `+where+` ORDER BY id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	defer rows.Close()
	var out []order.Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// OrderCounts counts orders by status.
func (q Q) OrderCounts(ctx context.Context) (map[order.Status]int64, error) {
	rows, err := q.query(ctx, `SELECT status, COUNT(*) FROM orders GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count orders: %w", err)
	}
	defer rows.Close()
	out := map[order.Status]int64{}
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[order.Status(s)] = n
	}
	return out, rows.Err()
}

// OrderCountsBySale counts orders by status as the dashboard's panels count them: real orders
// apart from testing ones (which move no money), so every panel agrees with the sales figures.
func (q Q) OrderCountsBySale(ctx context.Context) (real, testing map[order.Status]int64, err error) {
	rows, err := q.query(ctx, `SELECT status, testing, COUNT(*) FROM orders GROUP BY status, testing`)
	if err != nil {
		return nil, nil, fmt.Errorf("count orders: %w", err)
	}
	defer rows.Close()
	real, testing = map[order.Status]int64{}, map[order.Status]int64{}
	for rows.Next() {
		var s string
		var test bool
		var n int64
		if err := rows.Scan(&s, &test, &n); err != nil {
			return nil, nil, err
		}
		if test {
			testing[order.Status(s)] += n
		} else {
			real[order.Status(s)] += n
		}
	}
	return real, testing, rows.Err()
}

// MultiGuardTake records that a non-multi variant went to a destination today. It returns false
// when another order already holds that slot. Guards are released when their order fails.
func (tx *Tx) MultiGuardTake(ctx context.Context, variantID int64, destination, day string, orderID int64) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO multi_guards (variant_id, destination, day, order_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		variantID, destination, day, orderID)
	if err != nil {
		return false, fmt.Errorf("multi guard: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// MultiGuardRelease frees the slot an order held.
func (tx *Tx) MultiGuardRelease(ctx context.Context, orderID int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM multi_guards WHERE order_id = ?`, orderID); err != nil {
		return fmt.Errorf("release multi guard of order %d: %w", orderID, err)
	}
	return nil
}

// Attempt is order.Attempt, the name the store's reads were written with.
type Attempt = order.Attempt

// attemptRef is what an attempt's reference is made of, over attempts a joined to orders o: it
// is not stored, but made of its order's invoice and its number (issue 22), two columns that
// attemptRefScan reads (the invoice may be stored as bytes, see packInvoice).
const attemptRef = `o.invoice, a.number`

// attemptSN and attemptMessage are an attempt's SN and message over attempts a joined to orders
// o: NULL stands for its order's, which its final answer gave the order (OrderFinishJob).
const (
	attemptSN = `COALESCE(a.sn, o.sn)`
)

// attemptMessage is an attempt's message over attempts a joined to orders o; see attemptSN.
var attemptMessage = `COALESCE(a.message, ` + orderMessage + `)`

// attemptSupplier and attemptSKU are an attempt's supplier and SKU over attempts a: its label's
// when it has one (migration 00253).
var (
	attemptSupplier = labelCol("a", "attempt_labels", "supplier")
	attemptSKU      = labelCol("a", "attempt_labels", "sku")
)

// AttemptNumber splits an attempt's reference, INVOICE-N (N from 1), into its order's invoice
// and N; ok is false for any other text.
func AttemptNumber(ref string) (invoice string, n int64, ok bool) {
	i := strings.LastIndexByte(ref, '-')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.ParseInt(ref[i+1:], 10, 64)
	if err != nil || n < 1 || strconv.FormatInt(n, 10) != ref[i+1:] {
		return "", 0, false
	}
	return ref[:i], n, true
}

// AttemptInsert records an attempt about to be sent. Its reference must be its order's invoice
// and a number (AttemptNumber), which is what is stored: a reference can never be sent twice
// because (order_id, number) is unique.
func (tx *Tx) AttemptInsert(ctx context.Context, a *Attempt) error {
	now := tx.now()
	a.CreatedAt, a.UpdatedAt = now, now
	if a.State == "" {
		a.State = "sent"
	}
	invoice, n, ok := AttemptNumber(a.Reference)
	if !ok {
		return fmt.Errorf("insert attempt %s: a reference is the order's invoice, '-' and a number", a.Reference)
	}
	label, supplier, sku, err := tx.attemptLabel(ctx, a)
	if err != nil {
		return err
	}
	invIs, invArgs := tx.invoiceIs("invoice", invoice)
	err = tx.queryRow(ctx, `INSERT INTO attempts (order_id, number, supplier, sku, state, sn, message, raw, cost, polls, upstream_ref, created_at, updated_at, label_id)
		SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ? - created_at, ? - created_at, ? FROM orders WHERE id = ? AND `+invIs+` RETURNING id`,
		append([]any{n, supplier, sku, a.State, a.SN, a.Message, a.Raw, a.Cost, a.UpstreamRef, micros(now), micros(now), label, a.OrderID}, invArgs...)...).Scan(&a.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("insert attempt %s: not a reference of order %d: %w", a.Reference, a.OrderID, order.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("insert attempt %s: %w", a.Reference, err)
	}
	return nil
}

// attemptLabel returns the label of a's supplier and SKU, and the texts the attempt's row keeps:
// empty when it has the label (migration 00253).
func (tx *Tx) attemptLabel(ctx context.Context, a *Attempt) (label sql.NullInt64, supplier, sku string, err error) {
	label, err = tx.label(ctx, attemptLabels, a.Supplier, a.SKU)
	if err != nil {
		return label, "", "", fmt.Errorf("insert attempt %s: %w", a.Reference, err)
	}
	if label.Valid {
		return label, "", "", nil
	}
	return label, a.Supplier, a.SKU, nil
}

// AttemptInsertLeased is JobExtend(ctx, j, lease) followed, when the lease was renewed, by
// AttemptInsert(ctx, a): the attempt is recorded only by the job's holder. It reports whether
// the lease was renewed. Where the backend has writable CTEs (PostgreSQL) both go in one
// statement, one round trip less per purchase (issue 23).
func (tx *Tx) AttemptInsertLeased(ctx context.Context, j Job, lease time.Duration, a *Attempt) (bool, error) {
	if !tx.d.WritableCTE {
		if ok, err := tx.JobExtend(ctx, j, lease); err != nil || !ok {
			return false, err
		}
		return true, tx.AttemptInsert(ctx, a)
	}
	now := tx.now()
	a.CreatedAt, a.UpdatedAt = now, now
	if a.State == "" {
		a.State = "sent"
	}
	invoice, n, ok := AttemptNumber(a.Reference)
	if !ok {
		return false, fmt.Errorf("insert attempt %s: a reference is the order's invoice, '-' and a number", a.Reference)
	}
	label, supplier, sku, err := tx.attemptLabel(ctx, a)
	if err != nil {
		return false, err
	}
	invIs, invArgs := tx.invoiceIs("o.invoice", invoice)
	err = tx.queryRow(ctx, `WITH j AS (UPDATE jobs SET locked_until = ? WHERE id = ? AND locked_by = ? AND attempts = ? AND locked_until >= ? RETURNING id)
		INSERT INTO attempts (order_id, number, supplier, sku, state, sn, message, raw, cost, polls, upstream_ref, created_at, updated_at, label_id)
		SELECT o.id, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ? - o.created_at, ? - o.created_at, ? FROM orders o, j WHERE o.id = ? AND `+invIs+` RETURNING id`,
		append([]any{micros(now.Add(lease)), j.ID, j.LockedBy, j.Attempts, micros(now),
			n, supplier, sku, a.State, a.SN, a.Message, a.Raw, a.Cost, a.UpstreamRef, micros(now), micros(now), label, a.OrderID}, invArgs...)...).Scan(&a.ID)
	if errors.Is(err, sql.ErrNoRows) {
		// The lease was lost, or the reference is not the order's: the second is a caller's bug,
		// told apart here, on this rare path only.
		var one int
		switch err := tx.queryRow(ctx, `SELECT 1 FROM orders o WHERE o.id = ? AND `+invIs, append([]any{a.OrderID}, invArgs...)...).Scan(&one); {
		case errors.Is(err, sql.ErrNoRows):
			return false, fmt.Errorf("insert attempt %s: not a reference of order %d: %w", a.Reference, a.OrderID, order.ErrNotFound)
		case err != nil:
			return false, fmt.Errorf("insert attempt %s: %w", a.Reference, err)
		}
		return false, nil // the lease was lost: nothing recorded
	}
	if err != nil {
		return false, fmt.Errorf("insert attempt %s: %w", a.Reference, err)
	}
	return true, nil
}

// AttemptUpdate records what a supplier answered for an attempt.
func (tx *Tx) AttemptUpdate(ctx context.Context, a *Attempt) error {
	a.UpdatedAt = tx.now()
	if _, err := tx.attemptLogPrevious(ctx, a, ""); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `UPDATE attempts SET state = ?, sn = ?, message = ?, raw = ?, cost = ?, polls = ?, upstream_ref = ?, updated_at = `+attemptAtSet+` WHERE id = ?`,
		a.State, a.SN, a.Message, a.Raw, a.Cost, a.Polls, a.UpstreamRef, micros(a.UpdatedAt), a.ID)
	if err != nil {
		return fmt.Errorf("update attempt %s: %w", a.Reference, err)
	}
	return nil
}

// AttemptUpdateFrom is AttemptUpdate as a compare-and-set on the state the caller read: it records
// a only while the attempt is still as undecided as it was read, and reports whether it did. Read
// open (sent, pending, unknown), it may be recorded over any open state (news that decides
// nothing, such as a pending callback, must not make a final answer be dropped), never over a
// decided one: a status check in flight must not write "pending" over the "failed" or "success"
// a callback recorded meanwhile, nor a callback over what a status check decided. Read decided
// (a late success for a failed attempt), it is recorded only over that same state. The loser
// reads the attempt again.
func (tx *Tx) AttemptUpdateFrom(ctx context.Context, a *Attempt, from string) (bool, error) {
	at := tx.now()
	const cas = ` AND (state = ? OR (? AND state IN ('sent', 'pending', 'unknown')))`
	if tx.d.WritableCTE {
		return tx.attemptUpdateFromCTE(ctx, a, from, cas, at)
	}
	logged, err := tx.attemptLogPrevious(ctx, a, cas, from, AttemptOpen(from))
	if err != nil {
		return false, err
	}
	res, err := tx.exec(ctx, `UPDATE attempts SET state = ?, sn = ?, message = ?, raw = ?, cost = ?, polls = ?, upstream_ref = ?, updated_at = `+attemptAtSet+`
		WHERE id = ?`+cas,
		a.State, a.SN, a.Message, a.Raw, a.Cost, a.Polls, a.UpstreamRef, micros(at), a.ID, from, AttemptOpen(from))
	if err != nil {
		return false, fmt.Errorf("update attempt %s: %w", a.Reference, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil && logged != 0 {
			// Another writer changed the attempt between the two statements (PostgreSQL's
			// READ COMMITTED): what was logged is still its answer, and still its row's.
			_, err = tx.exec(ctx, `DELETE FROM attempt_log WHERE id = ?`, logged)
		}
		return false, err
	}
	a.UpdatedAt = at
	return true, nil
}

// attemptUpdateFromCTE is AttemptUpdateFrom in one statement (PostgreSQL): the log row and the
// update, each under the compare-and-set cas, one round trip less per answer (issue 23). Both
// parts read the attempt as the statement began; should the update find it changed meanwhile by
// another node's transaction and no longer matching, the log row is taken back, as in the
// two-statement form.
func (tx *Tx) attemptUpdateFromCTE(ctx context.Context, a *Attempt, from, cas string, at time.Time) (bool, error) {
	open := AttemptOpen(from)
	var updated int
	var logged sql.NullInt64
	err := tx.queryRow(ctx, `WITH l AS (INSERT INTO attempt_log (attempt_id, state, message, raw, created_at)
			SELECT id, state, message, substr(raw, 1, `+strconv.Itoa(maxLoggedRaw)+`), updated_at + (SELECT o.created_at FROM orders o WHERE o.id = attempts.order_id)
			FROM attempts WHERE id = ? AND state <> 'sent'`+cas+`
			RETURNING id),
		u AS (UPDATE attempts SET state = ?, sn = ?, message = ?, raw = ?, cost = ?, polls = ?, upstream_ref = ?, updated_at = `+attemptAtSet+`
			WHERE id = ?`+cas+` RETURNING id)
		SELECT (SELECT COUNT(*) FROM u), (SELECT id FROM l)`,
		a.ID, from, open,
		a.State, a.SN, a.Message, a.Raw, a.Cost, a.Polls, a.UpstreamRef, micros(at), a.ID, from, open).Scan(&updated, &logged)
	if err != nil {
		return false, fmt.Errorf("update attempt %s: %w", a.Reference, err)
	}
	if updated == 0 {
		if logged.Valid {
			if _, err := tx.exec(ctx, `DELETE FROM attempt_log WHERE id = ?`, logged.Int64); err != nil {
				return false, fmt.Errorf("update attempt %s: %w", a.Reference, err)
			}
		}
		return false, nil
	}
	a.UpdatedAt = at
	return true, nil
}

// AttemptOpen is order.AttemptOpen.
func AttemptOpen(state string) bool { return order.AttemptOpen(state) }

// maxLoggedRaw bounds the upstream answer kept per logged call.
const maxLoggedRaw = 4 << 10

// attemptLogPrevious appends the answer attempt a holds, which the caller is about to replace
// with a newer one, to the attempt's log, when cond (over attempts, with args) holds as it does
// for the update that follows; it returns the log row's id (0: nothing logged). The attempt row
// holds the latest answer and the log the ones before it, so no answer is written twice (it was
// a settled order's 72 bytes; issue 22). An attempt still "sent" holds no answer yet.
func (tx *Tx) attemptLogPrevious(ctx context.Context, a *Attempt, cond string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO attempt_log (attempt_id, state, message, raw, created_at)
		SELECT a.id, a.state, `+attemptMessage+`, substr(a.raw, 1, `+strconv.Itoa(maxLoggedRaw)+`), o.created_at + a.updated_at
		FROM attempts a JOIN orders o ON o.id = a.order_id WHERE a.id = ? AND a.state <> 'sent'`+cond+`
		RETURNING id`, append([]any{a.ID}, args...)...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("log attempt %s: %w", a.Reference, err)
	}
	return id, nil
}

// AttemptLogEntry is order.AttemptLogEntry.
type AttemptLogEntry = order.AttemptLogEntry

// AttemptLog lists every upstream answer about an order's attempts, oldest first: the answers
// each attempt's log holds, then the one the attempt holds (its latest; none while it is "sent").
func (q Q) AttemptLog(ctx context.Context, orderID int64) ([]AttemptLogEntry, error) {
	rows, err := q.query(ctx, `SELECT l.attempt_id, `+attemptRef+`, l.state, l.message, l.raw, l.created_at, 0 AS latest, l.id AS seq
		FROM attempt_log l JOIN attempts a ON a.id = l.attempt_id JOIN orders o ON o.id = a.order_id WHERE a.order_id = ?
		UNION ALL
		SELECT a.id, `+attemptRef+`, a.state, `+attemptMessage+`, substr(a.raw, 1, `+strconv.Itoa(maxLoggedRaw)+`), o.created_at + a.updated_at, 1, 0
		FROM attempts a JOIN orders o ON o.id = a.order_id WHERE a.order_id = ? AND a.state <> 'sent'
		ORDER BY 7, 1, 8, 9`, orderID, orderID)
	if err != nil {
		return nil, fmt.Errorf("attempt log of order %d: %w", orderID, err)
	}
	defer rows.Close()
	var out []AttemptLogEntry
	for rows.Next() {
		var e AttemptLogEntry
		var at, latest, seq int64
		ref := newAttemptRef(&e.Reference)
		if err := rows.Scan(&e.AttemptID, ref.Invoice(), ref.Number(), &e.State, &e.Message, &e.Raw, &at, &latest, &seq); err != nil {
			return nil, err
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// An attempt keeps its times as microseconds since its order's created_at (migration 00262): a
// few digits instead of two whole timestamps (issue 22, fewer bytes per order). attemptTimes
// reads them over attempts a joined to orders o; attemptAtSet is the value an UPDATE of
// attempts stores, from one argument, the time. The attempt log keeps whole times.
const (
	attemptTimes = `o.created_at + a.created_at, o.created_at + a.updated_at`
	attemptAtSet = `? - (SELECT ao.created_at FROM orders ao WHERE ao.id = attempts.order_id)`
)

// attemptCols are an attempt's columns as scanAttempt reads them, over attempts a joined to
// orders o.
var attemptCols = `a.id, a.order_id, ` + attemptSupplier + `, ` + attemptSKU + `, ` + attemptRef + `, a.state, ` + attemptSN + `, ` + attemptMessage + `, a.raw, a.cost, a.polls, a.upstream_ref, ` + attemptTimes

// Attempts lists an order's attempts, oldest first.
func (q Q) Attempts(ctx context.Context, orderID int64) ([]Attempt, error) {
	rows, err := q.query(ctx, `SELECT `+attemptCols+`
		FROM attempts a JOIN orders o ON o.id = a.order_id WHERE a.order_id = ? ORDER BY a.id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("list attempts of order %d: %w", orderID, err)
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		var a Attempt
		var c, u int64
		ref := newAttemptRef(&a.Reference)
		if err := rows.Scan(&a.ID, &a.OrderID, &a.Supplier, &a.SKU, ref.Invoice(), ref.Number(), &a.State, &a.SN, &a.Message, &a.Raw, &a.Cost, &a.Polls, &a.UpstreamRef, &c, &u); err != nil {
			return nil, err
		}
		a.CreatedAt, a.UpdatedAt = fromMicros(c), fromMicros(u)
		out = append(out, a)
	}
	return out, rows.Err()
}
