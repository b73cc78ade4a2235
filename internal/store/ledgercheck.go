package store

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/ledger"
)

// LedgerCheck verifies every invariant of the ledger in one consistent read:
//   - each account's cached balance equals its postings in minus its postings out;
//   - no account that may not go negative is negative, nor any commission account;
//   - each reseller's held balance (over its balance slots) equals the prices of its pending,
//     non-testing orders;
//   - each charged order (not testing, price above zero) has exactly one hold of its price from
//     its reseller's available to held, of the balance slot the order records; a Success one exactly one capture (held to revenue) of
//     the center's price (its price less its uplines' commissions) and one commission posting
//     per upline (held to that upline's commission account), so that price paid = center price +
//     the markups along the path (the downline tree), and no release; a Failed one exactly one release (held to available) and no capture; a Pending
//     one neither; an order charged nothing has none of these;
//   - an order has at most one cost posting, only when it succeeded or, Failed, is flagged
//     late_delivery (its supplier delivered after the refund), of its recorded cost, into the
//     cost account;
//   - each approved deposit ticket has exactly one credit of its amount from deposits to its
//     reseller's available balance, and no other ticket has any;
//   - a gateway payment credited outside its ticket (payment:ID) has exactly one credit of what
//     was paid, any other payment none, and only a credited payment has a fee posting, at most one.
//   - each transfer down the tree has one send posting (upline to transit) and, landed, one
//     landing (transit to downline), of its amount; the transit account holds what is in transit.
//
// Postings cannot be unbalanced by construction (each moves one amount from one account to
// another), so the sum of all balances being zero is checked too, as a guard against edits made
// outside Kios.
func (db *DB) LedgerCheck(ctx context.Context) (ledger.Report, error) {
	var rep ledger.Report
	// One snapshot for every query: a SQLite read transaction is one (WAL); on PostgreSQL only
	// REPEATABLE READ is (READ COMMITTED takes a new snapshot per statement, so an order settled
	// between two queries would show up as a false discrepancy). Dialect.Snapshot says which.
	rtx, err := db.r.BeginTx(ctx, db.dialect.Snapshot)
	if err != nil {
		return rep, fmt.Errorf("ledger check: %w", err)
	}
	defer func() { _ = rtx.Rollback() }()
	q := Q{q: rtx, d: db.dialect, now: db.opts.Now, keys: db.keys}

	// Archived postings count as their checkpoint at the cut (ledger_archived).
	archived, archivedN, err := archivedSums(ctx, q)
	if err != nil {
		return rep, err
	}
	rows, err := q.query(ctx, `SELECT a.id, a.code, a.kind, a.balance, a.allow_negative,
		COALESCE((SELECT SUM(amount) FROM postings WHERE destination = a.id), 0) -
		COALESCE((SELECT SUM(amount) FROM postings WHERE source = a.id), 0)
		FROM accounts a ORDER BY a.id`)
	if err != nil {
		return rep, fmt.Errorf("ledger check balances: %w", err)
	}
	var total int64
	for rows.Next() {
		var code, kind string
		var id, bal, sum int64
		var allowNeg bool
		if err := rows.Scan(&id, &code, &kind, &bal, &allowNeg, &sum); err != nil {
			rows.Close()
			return rep, err
		}
		sum += archived[id]
		rep.Accounts++
		total += bal
		if bal != sum {
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: code,
				Problem: fmt.Sprintf("balance %d but postings sum to %d", bal, sum)})
		}
		// A commission account may go negative at the row level only so that the exchange's
		// debit can wait for the batch's end (CommissionCode); it never should.
		if (!allowNeg || ledger.NeverNegative(ledger.Kind(kind))) && bal < 0 {
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: code,
				Problem: fmt.Sprintf("negative balance %d", bal)})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	if total != 0 {
		rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: "*",
			Problem: fmt.Sprintf("balances of all accounts sum to %d, not 0", total)})
	}
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM postings`).Scan(&rep.Postings); err != nil {
		return rep, err
	}
	rep.Postings += archivedN

	if err := ledgerCheckHolds(ctx, q, &rep); err != nil {
		return rep, err
	}
	if err := ledgerCheckOrders(ctx, q, &rep); err != nil {
		return rep, err
	}
	if err := ledgerCheckTickets(ctx, q, &rep); err != nil {
		return rep, err
	}
	if err := ledgerCheckPayments(ctx, q, &rep); err != nil {
		return rep, err
	}
	if err := ledgerCheckTransfers(ctx, q, &rep); err != nil {
		return rep, err
	}
	return rep, ledgerCheckShop(ctx, q, &rep)
}

// ledgerCheckHolds checks that each reseller's holds account holds exactly the prices of its
// pending, charged orders (read through the status index: the pending orders are few).
func ledgerCheckHolds(ctx context.Context, q Q, rep *ledger.Report) error {
	// A reseller's holds are the sum of its balance slots' held accounts.
	rows, err := q.query(ctx, `SELECT r.id, COALESCE((SELECT SUM(h.balance) FROM accounts h WHERE h.reseller_id = r.id AND h.kind = 'held'), 0),
		COALESCE((SELECT SUM(price) FROM orders o WHERE o.reseller_id = r.id AND o.status = 'Pending' AND NOT o.testing), 0)
		FROM resellers r`)
	if err != nil {
		return fmt.Errorf("ledger check holds: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, held, pending int64
		if err := rows.Scan(&id, &held, &pending); err != nil {
			return err
		}
		if held != pending {
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: heldCode(id),
				Problem: fmt.Sprintf("holds %d but pending orders total %d", held, pending)})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	return nil
}

// ledgerCheckOrders checks each order's postings against its status. Postings are found by their
// order id (postings_order); for each kind (ledger.OrderPosting: 0 hold, 1 capture, 2 release,
// 3 cost, 4 commission) the query counts all postings and those that move exactly the expected
// amount between exactly the expected accounts.
func ledgerCheckOrders(ctx context.Context, q Q, rep *ledger.Report) error {
	if err := ledgerCheckOrdersWhere(ctx, q, rep, "1 = 1"); err != nil {
		return err
	}
	return ledgerCheckUnkeyed(ctx, q, rep, 0)
}

// ledgerCheckUnkeyed reports each posting above id after that is shown under an existing
// order's txn text ("order:INVOICE:kind") without being keyed to the order: only an edit made
// outside Kios writes one (Transfer keys such a txn by its order), and the order checks, which
// read postings by order id, would not see it. The range is read through postings_txn, in
// which order postings have no entry.
func ledgerCheckUnkeyed(ctx context.Context, q Q, rep *ledger.Report, after int64) error {
	rows, err := q.query(ctx, `SELECT p.txn FROM postings p WHERE p.txn >= 'order:' AND p.txn < 'order;' AND p.id > ?`, after)
	if err != nil {
		return fmt.Errorf("ledger check order txns: %w", err)
	}
	var invoices, txns []string
	for rows.Next() {
		var txn string
		if err := rows.Scan(&txn); err != nil {
			rows.Close()
			return err
		}
		if invoice, _, ok := ledger.ParseOrderTxn(txn); ok {
			invoices, txns = append(invoices, invoice), append(txns, txn)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i, invoice := range invoices {
		var n int
		invIs, args := q.invoiceIs("invoice", invoice)
		if err := q.queryRow(ctx, `SELECT COUNT(*) FROM orders WHERE `+invIs, args...).Scan(&n); err != nil {
			return fmt.Errorf("ledger check order txns: %w", err)
		}
		if n > 0 {
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: "order:" + invoice,
				Problem: fmt.Sprintf("a posting under %s is not keyed to its order", txns[i])})
		}
	}
	return nil
}

// ledgerCheckOrdersWhere is ledgerCheckOrders for the orders matching where (over orders o).
func ledgerCheckOrdersWhere(ctx context.Context, q Q, rep *ledger.Report, where string, args ...any) error {
	rows, err := q.query(ctx, `SELECT o.invoice, o.status, o.price, o.cost, o.testing,
		COALESCE(SUM(CASE WHEN p.kind = 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.kind = 0 AND p.source = av.id AND p.destination = hd.id AND p.amount = o.price THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.kind = 1 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.kind = 1 AND p.source = hd.id AND p.destination = rv.id AND p.amount = o.price - COALESCE(oc.total, 0) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.kind = 2 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.kind = 2 AND p.source = hd.id AND p.destination = av.id AND p.amount = o.price THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.kind = 3 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.kind = 3 AND p.destination = cs.id AND p.amount = o.cost THEN 1 ELSE 0 END), 0),
		EXISTS (SELECT 1 FROM order_flags f WHERE f.order_id = o.id AND f.flag = 'late_delivery'),
		COALESCE(oc.n, 0), COALESCE(oc.total, 0),
		COALESCE(SUM(CASE WHEN p.kind = 4 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.kind = 4 AND p.source = hd.id AND EXISTS (SELECT 1 FROM order_commissions c
			JOIN accounts ca ON ca.code = 'reseller:' || c.upline_id || ':commission'
			WHERE c.order_id = o.id AND ca.id = p.destination AND c.amount = p.amount) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.kind = 4 THEN p.amount ELSE 0 END), 0)
		FROM orders o
		LEFT JOIN accounts av ON av.code = 'reseller:' || o.reseller_id || ':available' || COALESCE(':' || o.slot, '')
		LEFT JOIN accounts hd ON hd.code = 'reseller:' || o.reseller_id || ':held' || COALESCE(':' || o.slot, '')
		LEFT JOIN accounts rv ON rv.code = 'revenue'
		LEFT JOIN accounts cs ON cs.code = 'cost'
		LEFT JOIN (SELECT order_id, COUNT(*) AS n, SUM(amount) AS total FROM order_commissions GROUP BY order_id) oc ON oc.order_id = o.id
		LEFT JOIN postings p ON p.order_id = o.id
		WHERE `+where+`
		GROUP BY o.id, o.invoice, o.status, o.price, o.cost, o.testing, oc.n, oc.total
		ORDER BY o.id`, args...)
	if err != nil {
		return fmt.Errorf("ledger check orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var invoice, status string
		var price, cost int64
		var testing, late bool
		var hold, holdOK, capture, captureOK, release, releaseOK, costN, costOK int64
		var commRows, commTotal, commN, commOK, commSum int64
		if err := rows.Scan(invoiceScan{inv: &invoice}, &status, &price, &cost, &testing, &hold, &holdOK, &capture, &captureOK,
			&release, &releaseOK, &costN, &costOK, &late, &commRows, &commTotal, &commN, &commOK, &commSum); err != nil {
			return err
		}
		rep.Orders++
		charged := !testing && price > 0
		bad := func(format string, args ...any) {
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: "order:" + invoice,
				Problem: fmt.Sprintf("%s order: ", status) + fmt.Sprintf(format, args...)})
		}
		// want reports one kind of posting: n of them, ok of which are right, where exactly one
		// right one is expected when expected is true, and none at all otherwise.
		want := func(kind string, expected bool, n, ok int64) {
			switch {
			case expected && (n != 1 || ok != 1):
				bad("%d %s postings (%d of the right amount and accounts), want exactly one", n, kind, ok)
			case !expected && n != 0:
				bad("%d %s postings, want none", n, kind)
			}
		}
		want("hold", charged, hold, holdOK)
		want("capture", charged && status == "Success", capture, captureOK)
		want("release", charged && status == "Failed", release, releaseOK)
		// The downline tree's invariant: a settled order's price is the center's price (the
		// capture, checked above as price less the commissions) plus each upline's markup, each
		// credited once to that upline's commission account.
		switch {
		case charged && status == "Success" && (commN != commRows || commOK != commRows || commSum != commTotal):
			bad("%d commission postings (%d right) totalling %d, want %d totalling %d: price %d is not center price %d plus the markups along the path",
				commN, commOK, commSum, commRows, commTotal, price, price-commTotal)
		case !(charged && status == "Success") && commN != 0:
			bad("%d commission postings, want none", commN)
		}
		switch {
		case costN == 0:
		case testing || !(status == "Success" || (status == "Failed" && late)):
			// A Failed order has a cost only when its supplier delivered after the refund.
			bad("%d cost postings, want none", costN)
		case costN != 1 || costOK != 1:
			bad("%d cost postings (%d of its cost %d into the cost account), want at most one", costN, costOK, cost)
		}
	}
	return rows.Err()
}

// ledgerCheckTickets checks that approved deposit tickets, and only they, were credited once.
func ledgerCheckTickets(ctx context.Context, q Q, rep *ledger.Report) error {
	rows, err := q.query(ctx, `SELECT t.code, t.status, COUNT(p.id),
		COALESCE(SUM(CASE WHEN p.source = dp.id AND p.destination = av.id AND p.amount = t.amount THEN 1 ELSE 0 END), 0)
		FROM deposit_tickets t
		LEFT JOIN accounts av ON av.code = 'reseller:' || t.reseller_id || ':available'
		LEFT JOIN accounts dp ON dp.code = 'deposits'
		LEFT JOIN postings p ON p.txn = 'ticket:' || t.code
		GROUP BY t.id, t.code, t.status
		ORDER BY t.id`)
	if err != nil {
		return fmt.Errorf("ledger check tickets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, status string
		var n, ok int64
		if err := rows.Scan(&code, &status, &n, &ok); err != nil {
			return err
		}
		switch {
		case status == "approved" && (n != 1 || ok != 1):
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: "ticket:" + code,
				Problem: fmt.Sprintf("approved with %d credits (%d of its amount into its reseller's balance), want exactly one", n, ok)})
		case status != "approved" && n != 0:
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: "ticket:" + code,
				Problem: fmt.Sprintf("%s with %d credits, want none", status, n)})
		}
	}
	return rows.Err()
}
