-- +goose Up
-- Issue 22, fewer bytes per order. An attempt's log holds the answers before its latest, which
-- the attempt row itself holds (store.Tx.attemptLogPrevious; AttemptLog shows both): the log
-- rows written until now that repeat their attempt's latest answer go.
DELETE FROM attempt_log WHERE id IN (
    SELECT l.id FROM attempt_log l JOIN attempts a ON a.id = l.attempt_id
    WHERE a.state <> 'sent' AND l.created_at = a.updated_at AND l.state = a.state
        AND l.message = a.message AND l.raw = substr(a.raw, 1, 4096));

-- orders_destination served no query: the order searches (OrderList, ResellerOrders) match
-- invoice, reference, destination or SN in one OR, which cannot use it (sn has no index), and
-- the multi rule reads multi_guards. Each index left on orders is read by a query:
-- sqlite_autoindex/orders_invoice_key (invoice UNIQUE): an order by invoice (API status checks,
-- callbacks, admin); (reseller_id, reference) UNIQUE: one order per reference; orders_status
-- (status, id): pending orders (ledgerCheckHolds, OrderList by status); orders_day (day): the
-- dashboard's days, margins, ProductSales; orders_reseller (reseller_id, id): a reseller's
-- orders newest first (member area, statements); orders_bill_ref: a bill payment by its upstream
-- reference (partial: only bills).
DROP INDEX orders_destination;

-- +goose Down
CREATE INDEX orders_destination ON orders (destination);
-- The log held every answer, the latest included.
INSERT INTO attempt_log (attempt_id, state, message, raw, created_at)
SELECT id, state, message, substr(raw, 1, 4096), updated_at FROM attempts WHERE state <> 'sent' ORDER BY id;
