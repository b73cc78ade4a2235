package store

import (
	"database/sql"
	"strconv"
	"strings"
)

// Dialect is what differs between the backends.
type Dialect struct {
	Name string // "sqlite" or "postgres"
	// Placeholders rewrites the "?" placeholders the queries are written with, when the backend
	// wants "$1".
	Placeholders func(string) string
	// SkipLocked is appended to the SELECT that claims jobs: "FOR UPDATE SKIP LOCKED" on
	// PostgreSQL so that nodes never wait on one another's claims; empty on SQLite, where the
	// single writer already serializes claims.
	SkipLocked string
	// ForUpdate is appended to a SELECT whose rows the transaction goes on to change, when it
	// must hold them from the read on ("FOR UPDATE" on PostgreSQL; empty on SQLite, whose one
	// writer holds the whole database).
	ForUpdate string
	// Retryable reports whether a failed transaction may simply be run again (deadlock,
	// serialization failure, SQLITE_BUSY).
	Retryable func(error) bool
	// IsUniqueViolation reports a unique-constraint error.
	IsUniqueViolation func(error) bool
	// IsOutOfRange reports an integer overflow the database refused (PostgreSQL's 22003); nil
	// where the database does not refuse one (SQLite, guarded by explicit range conditions).
	IsOutOfRange func(error) bool
	// LateSystemBalances makes Transfer update the balances of shared system accounts (revenue,
	// deposits: accounts of no reseller) at the end of the batch, in account order, instead of
	// at once: with several write loops and nodes, a hot row locked mid-batch in whatever order
	// the callers come would deadlock batches against each other. Needs account ids that are
	// never reused (PostgreSQL identities). Off on SQLite, whose one writer cannot deadlock.
	LateSystemBalances bool
	// WritableCTE: the backend runs UPDATE … RETURNING inside WITH, so Transfer's debit, credit
	// and posting go to the server as one statement (PostgreSQL) rather than three (SQLite,
	// where a statement costs no round trip).
	WritableCTE bool
	// Snapshot is the options of a read transaction that sees the whole database at one
	// instant (LedgerCheck): nil on SQLite, where every read transaction does; REPEATABLE READ
	// on PostgreSQL, whose default READ COMMITTED takes a new snapshot per statement.
	Snapshot *sql.TxOptions
	// Unavailable reports an error that no write can avoid until an operator acts (disk full,
	// read-only database, I/O error); Batch wraps such errors with ErrUnavailable. Nil: none.
	Unavailable func(error) bool
	// CacheStatements keeps every query prepared once per connection. SQLite (modernc) parses
	// each statement anew otherwise, which cost half of order acceptance's CPU; pgx caches
	// prepared statements by itself.
	CacheStatements bool
	// SizeQuery answers one row: the bytes the database's data takes (SQLite: pages in use;
	// PostgreSQL: pg_database_size). TableSizeQuery answers (name, bytes) per table and index.
	SizeQuery, TableSizeQuery string
	// Partitioned: orders and postings are partitioned by month (PostgreSQL, migration 00271),
	// made ahead by EnsurePartitions, and archival gives whole months up by detaching them.
	Partitioned bool
	// ReusesIDs: deleting a table's highest row hands its id to the next row (SQLite's INTEGER
	// PRIMARY KEY without AUTOINCREMENT), so archival keeps the rows that hold the highest ids
	// (archiveKeep). PostgreSQL's sequences never do.
	ReusesIDs bool
	// CompactInvoices: an order's invoice of order.NewInvoice's form is stored as 10 bytes
	// instead of its text (SQLite; see packInvoice).
	CompactInvoices bool
	// OrderDays: the reports by day find a day's orders through order_days, the range of order
	// ids of each day (SQLite, migration 00272, instead of an index of every order by day; see
	// orderDaysRange). PostgreSQL keeps the orders_day index: order_days's row of the day,
	// rewritten by every order insert, would serialize the order transactions of all nodes.
	OrderDays bool
}

// DollarPlaceholders rewrites "?" to "$1", "$2"… outside quoted strings.
func DollarPlaceholders(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inStr := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inStr = !inStr
			b.WriteByte(c)
		case c == '?' && !inStr:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
