package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
)

// Archival (issue 22 item 2; docs/OPERATIONS.md, "Retention and archival"): final orders older
// than a cut leave the live database, with their attempts, upstream answers, postings and the
// rows that hang off them, in batches of bounded size while the server runs. Each batch is read,
// written to the archive (a SQLite file, ArchiveSink) and committed there, and then given up by
// the live database in one write transaction that also adds the batch's postings to each
// account's archived checkpoint (ledger_archived: their sum, count and hash). So the live ledger
// balances as the archived sums plus the live postings, and the archive is verified against the
// same sums (VerifyArchive).
//
// A crash between the archive's commit and the live one leaves rows in the archive that the live
// database still holds: the batch is numbered, the live database counts the batches it gave up
// (archives.batches), and the next run writes the same number again, replacing what the
// interrupted one left (ArchiveSink.Write). Nothing is lost (the live rows go only in the
// transaction that counts the batch) and nothing is doubled (rows of an uncounted batch are not
// part of the archive).
//
// The lock domain. A batch moves no money: it changes no balance (accounts rows), only deletes
// rows no other write touches any more (final orders settled before the cut, with no job left)
// and writes its own tables (archives, ledger_archived), which only the archiver writes. So it
// runs unkeyed (Batch), and two archivers of one archive serialize on its archives row (the
// batch count is compare-and-set). A late write to an order being archived (a late delivery's
// cost) would change its updated_at or postings: the transaction reads both again and gives up
// the batch, to be read anew, when either changed since it was written to the archive.

// ArchiveTables are the tables an archived order's rows are moved from, in the order they are
// written to an archive, with the column naming the order (attempt_log names an attempt).
var ArchiveTables = []struct{ Name, Key string }{
	{"orders", "id"},
	{"attempts", "order_id"},
	{"attempt_log", "attempt_id"},
	{"postings", "order_id"},
	{"order_commissions", "order_id"},
	{"order_flags", "order_id"},
	{"text_orders", "order_id"},
	{"bill_inquiries", "order_id"},
}

// ArchiveRows are one table's rows of a batch, as the live database has them.
type ArchiveRows struct {
	Table   string
	Columns []string
	Rows    [][]any
}

// ArchiveBatch is what one batch moves: the orders' rows of every ArchiveTables table, and the
// accounts their postings name (so that an archive can be checked on its own).
type ArchiveBatch struct {
	Number   int64 // 1, 2, … per archive
	Orders   []int64
	Tables   []ArchiveRows
	Accounts ArchiveRows
	postings map[int64]archivedPosting
}

// ArchiveSink is where archived rows go.
type ArchiveSink interface {
	// Name is the archive's identity, kept in it and in the live database's archives row.
	Name() string
	// Write stores batch b durably, first removing whatever rows of batch b.Number or later an
	// interrupted run left.
	Write(ctx context.Context, b *ArchiveBatch) error
}

// ArchiveOptions configure DB.Archive.
type ArchiveOptions struct {
	Cut    time.Time // orders created and last changed before it
	Target string    // what the archive is ("sqlite:FILE", "drop"), shown to operators
	Sink   ArchiveSink
	// Drop gives the rows up without keeping them anywhere (Sink nil); their postings are
	// still counted and hashed into the checkpoint.
	Drop      bool
	BatchSize int // orders per batch; 0 means 500
	// Progress is told after each batch the live database gave up.
	Progress func(ArchiveResult)
	// Fault, when set, is asked at each stage of each batch ("written": the archive committed,
	// the live transaction not begun; "deleted": inside the live transaction, after the
	// deletes) and an error it returns fails the run there: how tests crash an archive batch.
	Fault func(stage string, batch int64) error
}

// ArchiveResult is what a run did.
type ArchiveResult struct {
	Archive  string `json:"archive"`
	Target   string `json:"target"`
	Batches  int64  `json:"batches"`  // batches given up by this run
	Orders   int64  `json:"orders"`   // orders archived by this run
	Postings int64  `json:"postings"` // postings archived by this run
	Skipped  int64  `json:"skipped"`  // final orders before the cut kept: a job left, or postings newer than the last checkpoint
	// Months are the months (YYYYMM) given up whole by this run, their partitions detached
	// (PostgreSQL; their orders and postings are counted above too).
	Months []int `json:"months,omitempty"`
}

// ErrArchiveChanged is a batch's failure when its orders changed between being read and being
// given up; Archive reads the batch again.
var ErrArchiveChanged = errors.New("orders changed while being archived")

// DropArchive is the archive name of rows given up with --drop.
const DropArchive = "drop"

// Archive moves the final orders created and last changed before opt.Cut out of the live
// database, batch by batch, until none is left (see the comment at the top of this file).
// Running it again continues where an interrupted run stopped.
func (db *DB) Archive(ctx context.Context, opt ArchiveOptions) (ArchiveResult, error) {
	name := DropArchive
	if opt.Sink != nil {
		name = opt.Sink.Name()
	} else if !opt.Drop {
		return ArchiveResult{}, errors.New("archive: no archive to write to, and not told to drop")
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 500
	}
	res := ArchiveResult{Archive: name, Target: opt.Target}
	var archiveID int64
	cut := micros(opt.Cut)
	if err := db.Batch(ctx, func(tx *Tx) error {
		now := micros(tx.now())
		return tx.queryRow(ctx, `INSERT INTO archives (name, target, cut, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET target = excluded.target,
				cut = CASE WHEN excluded.cut > archives.cut THEN excluded.cut ELSE archives.cut END, updated_at = excluded.updated_at
			RETURNING id`, name, opt.Target, cut, now, now).Scan(&archiveID)
	}); err != nil {
		return res, fmt.Errorf("archive: %w", err)
	}
	if err := db.openReferenceGuard(ctx); err != nil {
		return res, fmt.Errorf("archive: %w", err)
	}
	if db.dialect.Partitioned {
		// Whole months first, each a partition detach (archive_months.go); the batches below
		// take what is left: the orders from before partitioning, and months not all final.
		if err := db.archiveMonths(ctx, archiveID, cut, opt, &res); err != nil {
			return res, err
		}
	}
	var after int64
	for changed := 0; ; {
		b, next, skipped, err := db.archiveRead(ctx, archiveID, after, math.MaxInt64, cut, opt.BatchSize)
		if err != nil {
			return res, err
		}
		if b == nil {
			res.Skipped += skipped
			return res, nil
		}
		if opt.Sink != nil {
			if err := opt.Sink.Write(ctx, b); err != nil {
				return res, fmt.Errorf("archive batch %d: write: %w", b.Number, err)
			}
		}
		if opt.Fault != nil {
			if err := opt.Fault("written", b.Number); err != nil {
				return res, err
			}
		}
		err = db.Batch(ctx, func(tx *Tx) error { return tx.archiveGiveUp(ctx, archiveID, b, opt.Fault) })
		if errors.Is(err, ErrArchiveChanged) && changed < 10 {
			// Read the batch again; the archive's copy is replaced under the same number.
			changed++
			continue
		}
		if err != nil {
			return res, fmt.Errorf("archive batch %d: %w", b.Number, err)
		}
		changed = 0
		after = next
		res.Skipped += skipped
		res.Batches++
		res.Orders += int64(len(b.Orders))
		res.Postings += int64(len(b.postings))
		if opt.Progress != nil {
			opt.Progress(res)
		}
	}
}

// archiveRead reads the next batch: the archivable orders with ids above after and below until,
// at most size of them, with all their rows. It returns nil when none is left, and the id to
// continue after. Orders are scanned by id (the primary key) and the scan stops at the first
// order created a minute after the cut: ids and creation times rise together, up to
// transactions committing out of order, which a minute covers.
func (db *DB) archiveRead(ctx context.Context, archiveID, after, until, cut int64, size int) (*ArchiveBatch, int64, int64, error) {
	rtx, err := db.r.BeginTx(ctx, db.dialect.Snapshot)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("archive read: %w", err)
	}
	defer func() { _ = rtx.Rollback() }()
	q := Q{q: rtx, d: db.dialect, now: db.opts.Now, keys: db.keys}
	var number int64
	if err := q.queryRow(ctx, `SELECT batches + 1 FROM archives WHERE id = ?`, archiveID).Scan(&number); err != nil {
		return nil, 0, 0, fmt.Errorf("archive read: %w", err)
	}
	horizon, err := archiveHorizon(ctx, q)
	if err != nil {
		return nil, 0, 0, err
	}
	keep, err := archiveKeep(ctx, q)
	if err != nil {
		return nil, 0, 0, err
	}
	stop := cut + time.Minute.Microseconds()
	var ids []int64
	var skipped int64
	for len(ids) < size {
		// The orders with a job are read in one statement: jobs has no index by order on
		// SQLite (it holds the few orders in flight), so a test per order would read it each
		// time.
		jobs := map[int64]bool{}
		jrows, err := q.query(ctx, `SELECT order_id FROM jobs WHERE order_id > ?`, after)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("archive read jobs: %w", err)
		}
		for jrows.Next() {
			var id int64
			if err := jrows.Scan(&id); err != nil {
				jrows.Close()
				return nil, 0, 0, err
			}
			jobs[id] = true
		}
		jrows.Close()
		if err := jrows.Err(); err != nil {
			return nil, 0, 0, err
		}
		rows, err := q.query(ctx, `SELECT o.id, o.status, o.created_at, o.created_at + o.updated_at,
			COALESCE((SELECT MAX(p.id) FROM postings p WHERE p.order_id = o.id), 0)
			FROM orders o WHERE o.id > ? AND o.id < ? ORDER BY o.id LIMIT ?`, after, until, size)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("archive read orders: %w", err)
		}
		n, done := 0, false
		for rows.Next() {
			var id, created, updated, maxPosting int64
			var status string
			if err := rows.Scan(&id, &status, &created, &updated, &maxPosting); err != nil {
				rows.Close()
				return nil, 0, 0, err
			}
			n++
			if created >= stop {
				done = true
				break
			}
			after = id
			if created >= cut || updated >= cut || !order.Status(status).Final() {
				continue
			}
			if jobs[id] || (horizon >= 0 && maxPosting > horizon) || keep[id] {
				skipped++
				continue
			}
			ids = append(ids, id)
			if len(ids) == size {
				break
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, 0, err
		}
		if done || n == 0 {
			break
		}
	}
	if len(ids) == 0 {
		return nil, after, skipped, nil
	}
	b := &ArchiveBatch{Number: number, Orders: ids}
	if err := q.archiveRows(ctx, b); err != nil {
		return nil, 0, 0, err
	}
	return b, after, skipped, nil
}

// archiveHorizon is the posting horizon of the newest ledger checkpoint (-1: none). Postings
// above it are not archived: an incremental check adds the postings above its checkpoint's
// horizon to the checkpoint's balances, and would miss one archived from there.
func archiveHorizon(ctx context.Context, q Q) (int64, error) {
	var h int64
	err := q.queryRow(ctx, `SELECT posting_horizon FROM ledger_checkpoints ORDER BY id DESC LIMIT 1`).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return -1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("archive horizon: %w", err)
	}
	return h, nil
}

// archiveKeep returns the orders that hold the highest id of a table archival deletes from: they
// stay. SQLite gives a new row the highest id plus one (INTEGER PRIMARY KEY without
// AUTOINCREMENT), so deleting the highest row would hand its id, and those below it that were
// archived, to new rows: an archived order's id would name another, and posting ids would no
// longer rise, which the checkpoints' horizons rely on. PostgreSQL's sequences never hand an id
// out twice (Dialect.ReusesIDs false): none is kept there, and a month whose orders hold the
// newest rows can still go whole (archive_months.go).
func archiveKeep(ctx context.Context, q Q) (map[int64]bool, error) {
	keep := map[int64]bool{}
	if !q.d.ReusesIDs {
		return keep, nil
	}
	for _, query := range []string{
		`SELECT MAX(id) FROM orders`,
		`SELECT order_id FROM postings WHERE id = (SELECT MAX(id) FROM postings)`,
		`SELECT order_id FROM attempts WHERE id = (SELECT MAX(id) FROM attempts)`,
		`SELECT a.order_id FROM attempt_log l JOIN attempts a ON a.id = l.attempt_id WHERE l.id = (SELECT MAX(id) FROM attempt_log)`,
		`SELECT order_id FROM bill_inquiries WHERE id = (SELECT MAX(id) FROM bill_inquiries)`,
	} {
		var id sql.NullInt64
		err := q.queryRow(ctx, query).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("archive read: %w", err)
		}
		if id.Valid {
			keep[id.Int64] = true
		}
	}
	return keep, nil
}

// inList returns "(?, ?, …)" for n placeholders and ids as arguments.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "(?" + strings.Repeat(", ?", len(ids)-1) + ")", args
}

// archiveRows reads every ArchiveTables row of b's orders, and the accounts their postings name.
func (q Q) archiveRows(ctx context.Context, b *ArchiveBatch) error {
	in, args := inList(b.Orders)
	var attemptIDs []int64
	for _, t := range ArchiveTables {
		where, targs := t.Key+" IN "+in, args
		if t.Name == "attempt_log" {
			if len(attemptIDs) == 0 {
				continue
			}
			var ain string
			ain, targs = inList(attemptIDs)
			where = t.Key + " IN " + ain
		}
		rs, err := q.tableRows(ctx, t.Name, where, targs...)
		if err != nil {
			return err
		}
		if labels, ok := archivedLabels[t.Name]; ok {
			if err := q.archiveLabels(ctx, &rs, "label_id", labels.table, labels.cols...); err != nil {
				return err
			}
			if t.Name == "orders" {
				// An archived order keeps its updated_at itself, not as an offset (00263),
				// and its day as text (00264).
				if err := absoluteOrderTimes(&rs); err != nil {
					return err
				}
				if err := q.archiveLabels(ctx, &rs, "message_id", archivedMessages.table, archivedMessages.cols...); err != nil {
					return err
				}
			}
		}
		if t.Name == "attempts" {
			// Its times too are the attempt's own in an archive (migration 00262).
			if err := absoluteTimes(&rs, b.Tables[0], "created_at", "updated_at"); err != nil {
				return err
			}
			idCol := slices.Index(rs.Columns, "id")
			for _, r := range rs.Rows {
				attemptIDs = append(attemptIDs, asInt64(r[idCol]))
			}
		}
		if t.Name == "postings" {
			// An archive keeps each posting's own time, not its offset from its order's
			// (migration 00261): its file reads without the live database's conventions.
			if err := absoluteTimes(&rs, b.Tables[0], "created_at"); err != nil {
				return err
			}
			b.postings = map[int64]archivedPosting{}
			for _, r := range rs.Rows {
				p := postingOfRow(rs.Columns, r)
				b.postings[p.id] = p
			}
		}
		b.Tables = append(b.Tables, rs)
	}
	accts := map[int64]bool{}
	for _, p := range b.postings {
		accts[p.source], accts[p.destination] = true, true
	}
	if len(accts) > 0 {
		ain, aargs := inList(slices.Sorted(maps.Keys(accts)))
		rs, err := q.tableRows(ctx, "accounts", "id IN "+ain, aargs...)
		if err != nil {
			return err
		}
		b.Accounts = rs
	} else {
		b.Accounts = ArchiveRows{Table: "accounts"}
	}
	return nil
}

// absoluteOrderTimes turns the updated_at of the orders rs, stored as an offset from their
// created_at (migration 00263), into the time itself.
func absoluteOrderTimes(rs *ArchiveRows) error {
	createdCol, updCol := slices.Index(rs.Columns, "created_at"), slices.Index(rs.Columns, "updated_at")
	if createdCol < 0 || updCol < 0 {
		return fmt.Errorf("archive read orders: no created_at or updated_at column")
	}
	dayCol, invCol := slices.Index(rs.Columns, "day"), slices.Index(rs.Columns, "invoice")
	for _, r := range rs.Rows {
		r[updCol] = asInt64(r[createdCol]) + asInt64(r[updCol])
		if dayCol >= 0 {
			r[dayCol] = dayText(asInt64(r[dayCol]))
		}
		if invCol >= 0 {
			// and its invoice as text (packInvoice).
			var inv string
			if err := (invoiceScan{inv: &inv}).Scan(r[invCol]); err != nil {
				return fmt.Errorf("archive read orders: %w", err)
			}
			r[invCol] = inv
		}
	}
	return nil
}

// absoluteTimes turns the columns cols of rs's rows, read as stored, into times: an order's
// postings (migration 00261) and attempts (00262) keep theirs as offsets from the order's
// created_at, and orders holds the batch's orders. A row whose order is not among them (a
// posting of no order) keeps its own.
func absoluteTimes(rs *ArchiveRows, orders ArchiveRows, cols ...string) error {
	orderCol := slices.Index(rs.Columns, "order_id")
	idCol, createdCol := slices.Index(orders.Columns, "id"), slices.Index(orders.Columns, "created_at")
	if orderCol < 0 || idCol < 0 || createdCol < 0 {
		return fmt.Errorf("archive read %s: no order_id, or no order id and created_at", rs.Table)
	}
	at := make([]int, len(cols))
	for i, c := range cols {
		if at[i] = slices.Index(rs.Columns, c); at[i] < 0 {
			return fmt.Errorf("archive read %s: no column %s", rs.Table, c)
		}
	}
	created := make(map[int64]int64, len(orders.Rows))
	for _, r := range orders.Rows {
		created[asInt64(r[idCol])] = asInt64(r[createdCol])
	}
	for _, r := range rs.Rows {
		if r[orderCol] == nil {
			continue
		}
		base, ok := created[asInt64(r[orderCol])]
		if !ok {
			continue
		}
		for _, c := range at {
			r[c] = asInt64(r[c]) + base
		}
	}
	return nil
}

// archivedLabels are the tables whose rows may name a label (label_id), with the label's table
// and texts: migrations 00252 and 00253.
var archivedLabels = map[string]struct {
	table string
	cols  []string
}{
	"orders":   {"order_labels", []string{"variant_code", "product_name", "dialect"}},
	"attempts": {"attempt_labels", []string{"supplier", "sku"}},
}

// archivedMessages is archivedLabels' entry for an order's message (migration 00254).
var archivedMessages = struct {
	table string
	cols  []string
}{"order_messages", []string{"message"}}

// archiveLabels writes into rs's rows the texts of the labels (of table labels) they name in
// column idCol: an
// archive holds its rows' texts itself, not ids into a live table.
func (q Q) archiveLabels(ctx context.Context, rs *ArchiveRows, idCol, labels string, texts ...string) error {
	labelCol := slices.Index(rs.Columns, idCol)
	if labelCol < 0 {
		return nil
	}
	cols := make([]int, len(texts))
	for i, c := range texts {
		if cols[i] = slices.Index(rs.Columns, c); cols[i] < 0 {
			return fmt.Errorf("archive read %s: no column %s", rs.Table, c)
		}
	}
	found := map[int64][]any{}
	for _, r := range rs.Rows {
		if r[labelCol] != nil {
			found[asInt64(r[labelCol])] = nil
		}
	}
	if len(found) == 0 {
		return nil
	}
	in, args := inList(slices.Sorted(maps.Keys(found)))
	rows, err := q.query(ctx, `SELECT id, `+strings.Join(texts, ", ")+` FROM `+labels+` WHERE id IN `+in, args...)
	if err != nil {
		return fmt.Errorf("archive read %s: %w", labels, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		vals := make([]any, len(texts))
		ptrs := []any{&id}
		for i := range vals {
			ptrs = append(ptrs, &vals[i])
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("archive read %s: %w", labels, err)
		}
		found[id] = vals
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("archive read %s: %w", labels, err)
	}
	for _, r := range rs.Rows {
		if r[labelCol] == nil {
			continue
		}
		vals := found[asInt64(r[labelCol])]
		if vals == nil {
			return fmt.Errorf("archive read %s: label %v of %s not found", labels, r[labelCol], rs.Table)
		}
		for i, c := range cols {
			r[c] = vals[i]
		}
	}
	return nil
}

// tableRows reads a table's rows matching where, all columns, in the values the driver gives.
func (q Q) tableRows(ctx context.Context, table, where string, args ...any) (ArchiveRows, error) {
	rs := ArchiveRows{Table: table}
	rows, err := q.query(ctx, `SELECT * FROM `+table+` WHERE `+where+` ORDER BY 1`, args...)
	if err != nil {
		return rs, fmt.Errorf("archive read %s: %w", table, err)
	}
	defer rows.Close()
	if rs.Columns, err = rows.Columns(); err != nil {
		return rs, err
	}
	for rows.Next() {
		vals := make([]any, len(rs.Columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return rs, fmt.Errorf("archive read %s: %w", table, err)
		}
		rs.Rows = append(rs.Rows, vals)
	}
	return rs, rows.Err()
}

func asInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case float64:
		return int64(x)
	case []byte:
		n, _ := strconv.ParseInt(string(x), 10, 64)
		return n
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

func asString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// archivedPosting is what the checkpoint's hash covers of a posting.
type archivedPosting struct {
	id, order, kind, source, destination, amount, createdAt int64
	memo                                                    string
}

func postingOfRow(cols []string, r []any) archivedPosting {
	var p archivedPosting
	for i, c := range cols {
		switch c {
		case "id":
			p.id = asInt64(r[i])
		case "order_id":
			p.order = asInt64(r[i])
		case "kind":
			p.kind = asInt64(r[i])
		case "source":
			p.source = asInt64(r[i])
		case "destination":
			p.destination = asInt64(r[i])
		case "amount":
			p.amount = asInt64(r[i])
		case "memo":
			p.memo = asString(r[i])
		case "created_at":
			p.createdAt = asInt64(r[i])
		}
	}
	return p
}

// line is the posting's canonical text, which its hash is of.
func (p archivedPosting) line() string {
	return fmt.Sprintf("%d|%d|%d|%d|%d|%d|%d|%s", p.id, p.order, p.kind, p.source, p.destination, p.amount, p.createdAt, p.memo)
}

// ArchiveHash is the hash of a set of postings: the sum, modulo 2^256, of each one's SHA-256. A
// sum does not depend on the order the postings come in, so each batch adds its postings to an
// account's hash, and a verifier adds the archive's in whatever order it reads them.
type ArchiveHash [32]byte

// add adds the SHA-256 of line.
func (h *ArchiveHash) add(line string) {
	s := sha256.Sum256([]byte(line))
	h.plus(s)
}

func (h *ArchiveHash) plus(s [32]byte) {
	carry := 0
	for i := 31; i >= 0; i-- {
		v := int(h[i]) + int(s[i]) + carry
		h[i], carry = byte(v), v>>8
	}
}

func (h ArchiveHash) String() string { return hex.EncodeToString(h[:]) }

func parseArchiveHash(s string) (ArchiveHash, error) {
	var h ArchiveHash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("archive hash %q: not 64 hex digits", s)
	}
	copy(h[:], b)
	return h, nil
}

// accountArchive is an account's part of an archive: its postings' sum (in minus out), count
// and hash.
type accountArchive struct {
	balance, postings int64
	hash              ArchiveHash
}

// sumPostings adds postings to per-account sums.
func sumPostings(into map[int64]*accountArchive, ps map[int64]archivedPosting) {
	at := func(id int64) *accountArchive {
		a := into[id]
		if a == nil {
			a = &accountArchive{}
			into[id] = a
		}
		return a
	}
	for _, p := range ps {
		line := p.line()
		s, d := at(p.source), at(p.destination)
		s.balance -= p.amount
		d.balance += p.amount
		s.postings++
		d.postings++
		s.hash.add(line)
		d.hash.add(line)
	}
}

// archiveGiveUp is a batch's live transaction: check that b is still what the live database
// holds, delete it, and add its postings to the archive's checkpoint.
func (tx *Tx) archiveGiveUp(ctx context.Context, archiveID int64, b *ArchiveBatch, fault func(string, int64) error) error {
	if err := tx.archiveCountBatch(ctx, archiveID, b); err != nil {
		return err
	}
	in, args := inList(b.Orders)
	if err := tx.archiveSameOrders(ctx, b, in, args); err != nil {
		return err
	}
	if err := tx.archiveSamePostings(ctx, b, in, args); err != nil {
		return err
	}
	if err := tx.archiveDeleteOrders(ctx, in, args); err != nil {
		return err
	}
	if fault != nil {
		if err := fault("deleted", b.Number); err != nil {
			return err
		}
	}
	return tx.archiveCheckpointAdd(ctx, archiveID, b)
}

// archiveCountBatch counts batch b into its archive, as a compare-and-set of the batch count:
// a second archiver of the same archive finds the count moved and stops.
func (tx *Tx) archiveCountBatch(ctx context.Context, archiveID int64, b *ArchiveBatch) error {
	res, err := tx.exec(ctx, `UPDATE archives SET batches = batches + 1, orders = orders + ?, postings = postings + ?, updated_at = ?
		WHERE id = ? AND batches = ?`, len(b.Orders), len(b.postings), micros(tx.now()), archiveID, b.Number-1)
	if err != nil {
		return fmt.Errorf("archive count: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return fmt.Errorf("archive batch %d: another archiver gave up this batch first: %w", b.Number, ErrArchiveChanged)
	}
	return nil
}

// archiveSameOrders checks that the live orders in (with args) are still the orders as written
// to the archive: all there, same status and updated_at, still no job (ErrArchiveChanged).
func (tx *Tx) archiveSameOrders(ctx context.Context, b *ArchiveBatch, in string, args []any) error {
	orders := b.Tables[0]
	idCol, updCol, stCol := slices.Index(orders.Columns, "id"), slices.Index(orders.Columns, "updated_at"), slices.Index(orders.Columns, "status")
	want := map[int64]string{}
	for _, r := range orders.Rows {
		want[asInt64(r[idCol])] = asString(r[stCol]) + "|" + strconv.FormatInt(asInt64(r[updCol]), 10)
	}
	var job int64
	err := tx.queryRow(ctx, `SELECT order_id FROM jobs WHERE order_id IN `+in+` LIMIT 1`, args...).Scan(&job)
	if err == nil {
		return fmt.Errorf("order %d has a job: %w", job, ErrArchiveChanged)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("archive check jobs: %w", err)
	}
	rows, err := tx.query(ctx, `SELECT id, status, created_at + updated_at FROM orders WHERE id IN `+in, args...)
	if err != nil {
		return fmt.Errorf("archive check orders: %w", err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var id, upd int64
		var st string
		if err := rows.Scan(&id, &st, &upd); err != nil {
			return err
		}
		seen++
		if want[id] != st+"|"+strconv.FormatInt(upd, 10) {
			return fmt.Errorf("order %d: %w", id, ErrArchiveChanged)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if seen != len(b.Orders) {
		return fmt.Errorf("%d of %d orders left: %w", len(b.Orders)-seen, len(b.Orders), ErrArchiveChanged)
	}
	return nil
}

// archiveSamePostings checks that the live postings of the orders are the postings as written
// to the archive, and none newer than the last checkpoint (ErrArchiveChanged).
func (tx *Tx) archiveSamePostings(ctx context.Context, b *ArchiveBatch, in string, args []any) error {
	live, err := tx.tableRows(ctx, "postings", "order_id IN "+in, args...)
	if err != nil {
		return err
	}
	if err := absoluteTimes(&live, b.Tables[0], "created_at"); err != nil {
		return err
	}
	if len(live.Rows) != len(b.postings) {
		return fmt.Errorf("%d postings, %d archived: %w", len(live.Rows), len(b.postings), ErrArchiveChanged)
	}
	horizon, err := archiveHorizon(ctx, tx.Q)
	if err != nil {
		return err
	}
	for _, r := range live.Rows {
		p := postingOfRow(live.Columns, r)
		if a, ok := b.postings[p.id]; !ok || a != p || (horizon >= 0 && p.id > horizon) {
			return fmt.Errorf("posting %d: %w", p.id, ErrArchiveChanged)
		}
	}
	return nil
}

// archiveDeleteOrders deletes the orders in (with args) and every row that names them,
// keeping their references.
func (tx *Tx) archiveDeleteOrders(ctx context.Context, in string, args []any) error {
	// Children first: their foreign keys name the orders (and attempt_log the attempts).
	if _, err := tx.exec(ctx, `DELETE FROM attempt_log WHERE attempt_id IN (SELECT id FROM attempts WHERE order_id IN `+in+`)`, args...); err != nil {
		return fmt.Errorf("archive delete attempt_log: %w", err)
	}
	for _, t := range slices.Backward(ArchiveTables) {
		if t.Name == "attempt_log" || t.Name == "orders" {
			continue
		}
		if _, err := tx.exec(ctx, `DELETE FROM `+t.Name+` WHERE order_id IN `+in, args...); err != nil {
			return fmt.Errorf("archive delete %s: %w", t.Name, err)
		}
	}
	// A final order's multi-rule slot is of its day, long past: it goes, and is not archived.
	if _, err := tx.exec(ctx, `DELETE FROM multi_guards WHERE order_id IN `+in, args...); err != nil {
		return fmt.Errorf("archive delete multi_guards: %w", err)
	}
	// Their references keep guarding against a second order (archived_refs, migration 00270).
	if _, err := tx.exec(ctx, `INSERT INTO archived_refs (reseller_id, reference)
		SELECT reseller_id, reference FROM orders WHERE id IN `+in+` ON CONFLICT DO NOTHING`, args...); err != nil {
		return fmt.Errorf("archive references: %w", err)
	}
	if tx.d.OrderDays {
		// A day whose last orders go loses its order_days row (migration 00272) with them: a
		// stale row would only make a report read an empty range of ids, but archival would
		// leave one a day for good. Finding an order of the day that stays reads its range
		// from lo up to the first such order, past the batch's own.
		if _, err := tx.exec(ctx, `DELETE FROM order_days WHERE day IN (SELECT day FROM orders WHERE id IN `+in+`)
			AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id BETWEEN order_days.lo AND order_days.hi
				AND o.day = order_days.day AND o.id NOT IN `+in+`)`, append(slices.Clone(args), args...)...); err != nil {
			return fmt.Errorf("archive delete order_days: %w", err)
		}
	}
	if _, err := tx.exec(ctx, `DELETE FROM orders WHERE id IN `+in, args...); err != nil {
		return fmt.Errorf("archive delete orders: %w", err)
	}
	return nil
}

// archiveCheckpointAdd adds batch b's postings to its archive's checkpoint (ledger_archived),
// per account: sum, count and hash, which the ledger checks and VerifyArchive start from.
func (tx *Tx) archiveCheckpointAdd(ctx context.Context, archiveID int64, b *ArchiveBatch) error {
	sums := map[int64]*accountArchive{}
	sumPostings(sums, b.postings)
	return tx.archiveCheckpointSums(ctx, archiveID, sums)
}

// archiveCheckpointSums adds per-account sums to an archive's checkpoint.
func (tx *Tx) archiveCheckpointSums(ctx context.Context, archiveID int64, sums map[int64]*accountArchive) error {
	for _, acct := range slices.Sorted(maps.Keys(sums)) {
		s := sums[acct]
		var bal, n int64
		var hs string
		err := tx.queryRow(ctx, `SELECT balance, postings, hash FROM ledger_archived WHERE archive_id = ? AND account_id = ?`,
			archiveID, acct).Scan(&bal, &n, &hs)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.exec(ctx, `INSERT INTO ledger_archived (archive_id, account_id, balance, postings, hash) VALUES (?, ?, ?, ?, ?)`,
				archiveID, acct, s.balance, s.postings, s.hash.String()); err != nil {
				return fmt.Errorf("archive checkpoint: %w", err)
			}
		case err != nil:
			return fmt.Errorf("archive checkpoint: %w", err)
		default:
			h, err := parseArchiveHash(hs)
			if err != nil {
				return err
			}
			h.plus(s.hash)
			if _, err := tx.exec(ctx, `UPDATE ledger_archived SET balance = ?, postings = ?, hash = ? WHERE archive_id = ? AND account_id = ?`,
				bal+s.balance, n+s.postings, h.String(), archiveID, acct); err != nil {
				return fmt.Errorf("archive checkpoint: %w", err)
			}
		}
	}
	return nil
}

// archivedSums returns each account's archived balance (over every archive) and how many
// postings were archived: what the ledger checks add to the live postings.
func archivedSums(ctx context.Context, q Q) (map[int64]int64, int64, error) {
	rows, err := q.query(ctx, `SELECT account_id, SUM(balance) FROM ledger_archived GROUP BY account_id`)
	if err != nil {
		return nil, 0, fmt.Errorf("archived balances: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, bal int64
		if err := rows.Scan(&id, &bal); err != nil {
			return nil, 0, err
		}
		out[id] = bal
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var n int64
	if err := q.queryRow(ctx, `SELECT COALESCE(SUM(postings), 0) FROM archives`).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("archived postings: %w", err)
	}
	return out, n, nil
}

// ArchiveInfo is an archive as the live database knows it.
type ArchiveInfo struct {
	Name     string
	Target   string
	Cut      time.Time
	Batches  int64
	Orders   int64
	Postings int64
	Updated  time.Time
}

// Archives lists the archives, newest cut last.
func (q Q) Archives(ctx context.Context) ([]ArchiveInfo, error) {
	rows, err := q.query(ctx, `SELECT name, target, cut, batches, orders, postings, updated_at FROM archives ORDER BY cut, id`)
	if err != nil {
		return nil, fmt.Errorf("archives: %w", err)
	}
	defer rows.Close()
	var out []ArchiveInfo
	for rows.Next() {
		var a ArchiveInfo
		var cut, upd int64
		if err := rows.Scan(&a.Name, &a.Target, &cut, &a.Batches, &a.Orders, &a.Postings, &upd); err != nil {
			return nil, err
		}
		a.Cut, a.Updated = fromMicros(cut), fromMicros(upd)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ArchiveCut is the newest cut of an archive that took orders (zero: none): a statement that
// starts before it is missing what was archived.
func (q Q) ArchiveCut(ctx context.Context) (time.Time, error) {
	var cut sql.NullInt64
	if err := q.queryRow(ctx, `SELECT MAX(cut) FROM archives WHERE orders > 0`).Scan(&cut); err != nil {
		return time.Time{}, fmt.Errorf("archive cut: %w", err)
	}
	if !cut.Valid {
		return time.Time{}, nil
	}
	return fromMicros(cut.Int64), nil
}

// archivedOrder returns the error of an order lookup by invoice that found nothing: an
// order.ArchivedError when the invoice's time is before an archive's cut that archived orders
// (the order, if it existed, may be in that archive), order.ErrNotFound otherwise.
func (q Q) archivedOrder(ctx context.Context, invoice string) error {
	at, ok := order.InvoiceTime(invoice)
	if !ok {
		return order.ErrNotFound
	}
	var target string
	var cut int64
	err := q.queryRow(ctx, `SELECT target, cut FROM archives WHERE cut > ? AND orders > 0 ORDER BY cut LIMIT 1`, micros(at)).Scan(&target, &cut)
	if errors.Is(err, sql.ErrNoRows) {
		return order.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("get order: %w", err)
	}
	return &order.ArchivedError{Invoice: invoice, Before: fromMicros(cut), Target: target}
}

// VerifyArchive checks an archive (file, a SQLite database written by an ArchiveSink) against
// the live database's checkpoint of it: for every account, the archive's postings of the batches
// the live database gave up sum, count and hash exactly as ledger_archived says; the archive's
// orders, and postings, are counted as archives says; each archived order has the postings its
// status calls for (the order checks of LedgerCheck, run on the archive); and none of its orders
// is still live. Rows of a batch the live database did not give up (an interrupted run) are not
// part of the archive and are reported as pending, not as discrepancies.
func (db *DB) VerifyArchive(ctx context.Context, file *sql.DB) (ledger.Report, ArchiveInfo, int64, error) {
	var rep ledger.Report
	aq := Q{q: file, d: &Dialect{Name: "sqlite"}, now: db.opts.Now, keys: db.keys}
	archiveID, info, err := db.archiveOfFile(ctx, aq)
	if err != nil {
		return rep, info, 0, err
	}
	var pending int64
	if err := aq.queryRow(ctx, `SELECT COUNT(*) FROM orders WHERE batch > ?`, info.Batches).Scan(&pending); err != nil {
		return rep, info, 0, fmt.Errorf("archive: %w", err)
	}
	ps, err := archivedPostings(ctx, aq, info.Batches)
	if err != nil {
		return rep, info, 0, err
	}
	rep.Postings = int64(len(ps))
	if err := db.verifyArchiveCheckpoint(ctx, archiveID, ps, &rep); err != nil {
		return rep, info, 0, err
	}
	if rep.Postings != info.Postings {
		badArchive(&rep, "*", "%d postings in the archive, %d given up by the live database", rep.Postings, info.Postings)
	}
	if err := db.verifyArchiveOrders(ctx, aq, info, &rep); err != nil {
		return rep, info, 0, err
	}
	return rep, info, pending, nil
}

// badArchive reports a discrepancy VerifyArchive found.
func badArchive(rep *ledger.Report, acct, format string, args ...any) {
	rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: acct, Problem: fmt.Sprintf(format, args...)})
}

// archiveOfFile is the live database's record of the archive in the file aq reads, found by
// the name the file carries: the archive is verified against what this database gave it.
func (db *DB) archiveOfFile(ctx context.Context, aq Q) (int64, ArchiveInfo, error) {
	var info ArchiveInfo
	var name string
	if err := aq.queryRow(ctx, `SELECT name FROM archive_meta`).Scan(&name); err != nil {
		return 0, info, fmt.Errorf("archive: not a Kios archive: %w", err)
	}
	var archiveID, cut, upd int64
	err := db.queryRow(ctx, `SELECT id, name, target, cut, batches, orders, postings, updated_at FROM archives WHERE name = ?`, name).Scan(
		&archiveID, &info.Name, &info.Target, &cut, &info.Batches, &info.Orders, &info.Postings, &upd)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, info, fmt.Errorf("archive %s: this database gave it nothing (archived from another database?)", name)
	}
	if err != nil {
		return 0, info, fmt.Errorf("archive %s: %w", name, err)
	}
	info.Cut, info.Updated = fromMicros(cut), fromMicros(upd)
	return archiveID, info, nil
}

// archivedPostings reads the archive's postings of the batches up to batches, by id.
func archivedPostings(ctx context.Context, aq Q, batches int64) (map[int64]archivedPosting, error) {
	rows, err := aq.query(ctx, `SELECT id, order_id, kind, source, destination, amount, created_at, memo FROM postings WHERE batch <= ?`, batches)
	if err != nil {
		return nil, fmt.Errorf("archive postings: %w", err)
	}
	defer rows.Close()
	ps := map[int64]archivedPosting{}
	for rows.Next() {
		var p archivedPosting
		var kind sql.NullInt64
		if err := rows.Scan(&p.id, &p.order, &kind, &p.source, &p.destination, &p.amount, &p.createdAt, &p.memo); err != nil {
			return nil, err
		}
		p.kind = kind.Int64
		ps[p.id] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return ps, nil
}

// verifyArchiveCheckpoint compares the archived postings ps, summed per account, with the live
// database's checkpoint of the archive (ledger_archived): sum, count and hash.
func (db *DB) verifyArchiveCheckpoint(ctx context.Context, archiveID int64, ps map[int64]archivedPosting, rep *ledger.Report) error {
	got := map[int64]*accountArchive{}
	sumPostings(got, ps)
	rows, err := db.query(ctx, `SELECT l.account_id, COALESCE(a.code, ''), l.balance, l.postings, l.hash FROM ledger_archived l
		LEFT JOIN accounts a ON a.id = l.account_id WHERE l.archive_id = ? ORDER BY l.account_id`, archiveID)
	if err != nil {
		return fmt.Errorf("archive checkpoint: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, bal, n int64
		var code, hs string
		if err := rows.Scan(&id, &code, &bal, &n, &hs); err != nil {
			return err
		}
		rep.Accounts++
		g := got[id]
		delete(got, id)
		if g == nil {
			g = &accountArchive{}
		}
		if g.balance != bal || g.postings != n || g.hash.String() != hs {
			badArchive(rep, code, "the archive's postings sum to %d over %d postings (hash %.16s…), the checkpoint at the cut says %d over %d (hash %.16s…)",
				g.balance, g.postings, g.hash.String(), bal, n, hs)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for id, g := range got {
		badArchive(rep, fmt.Sprintf("account %d", id), "%d archived postings (sum %d) the checkpoint at the cut does not have", g.postings, g.balance)
	}
	return nil
}

// verifyArchiveOrders checks the archive's orders: counted as the live database gave them up,
// none still live, each with the postings its status calls for.
func (db *DB) verifyArchiveOrders(ctx context.Context, aq Q, info ArchiveInfo, rep *ledger.Report) error {
	ids, err := archivedOrderIDs(ctx, aq, info.Batches)
	if err != nil {
		return err
	}
	if int64(len(ids)) != info.Orders {
		badArchive(rep, "*", "%d orders in the archive, %d given up by the live database", len(ids), info.Orders)
	}
	for chunk := range slices.Chunk(ids, 500) {
		in, args := inList(chunk)
		var n int64
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM orders WHERE id IN `+in, args...).Scan(&n); err != nil {
			return fmt.Errorf("archive orders live: %w", err)
		}
		if n > 0 {
			badArchive(rep, "*", "%d archived orders are still in the live database", n)
		}
	}
	var orders ledger.Report
	if err := ledgerCheckOrdersWhere(ctx, aq, &orders, "o.batch <= ?", info.Batches); err != nil {
		return fmt.Errorf("archive orders: %w", err)
	}
	rep.Orders = orders.Orders
	rep.Discrepancies = append(rep.Discrepancies, orders.Discrepancies...)
	return nil
}

// archivedOrderIDs is the ids of the archive's orders of the batches up to batches, in order.
func archivedOrderIDs(ctx context.Context, aq Q, batches int64) ([]int64, error) {
	var ids []int64
	rows, err := aq.query(ctx, `SELECT id FROM orders WHERE batch <= ? ORDER BY id`, batches)
	if err != nil {
		return nil, fmt.Errorf("archive orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return ids, nil
}

// referenceGuardSettle is how long the first archival waits, once it has moved the archives
// epoch, before it gives up any order: longer than any process's bound on how old the epochs it
// reads may be (core's is 5 ms), so that every order placed from then on looks its reference up
// in archived_refs, including one re-sent under the reference of an order this run gives up.
const referenceGuardSettle = time.Second

// openReferenceGuard moves the archives epoch from 0, the first time this database archives:
// until then the order path does not look in archived_refs (Q.ReferenceArchived), which is empty.
func (db *DB) openReferenceGuard(ctx context.Context) error {
	var opened bool
	if err := db.Batch(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE kios_epochs SET value = 1 WHERE name = 'archives' AND value = 0`)
		if err != nil {
			return fmt.Errorf("archives epoch: %w", err)
		}
		n, err := res.RowsAffected()
		opened = n > 0
		return err
	}); err != nil {
		return err
	}
	if !opened {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(referenceGuardSettle):
		return nil
	}
}

// ReferenceArchived reports whether an order of the reseller's under ref was archived
// (archived_refs): such a reference may not name a new order.
func (q Q) ReferenceArchived(ctx context.Context, resellerID int64, ref string) (bool, error) {
	var one int
	err := q.queryRow(ctx, `SELECT 1 FROM archived_refs WHERE reseller_id = ? AND reference = ?`, resellerID, ref).Scan(&one)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	default:
		return false, fmt.Errorf("archived reference: %w", err)
	}
}
