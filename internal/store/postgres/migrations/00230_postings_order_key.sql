-- +goose Up
-- Issue 22, fewer bytes per order: an order's postings are keyed by (order_id, kind) instead of
-- the txn text "order:INVOICE:kind", which cost every posting its invoice twice, in the row and
-- in postings_txn. kind is ledger.OrderPosting (0 hold, 1 capture, 2 release, 3 cost,
-- 4 commission; never renumbered); an order's posting has no txn, and an empty memo when its
-- memo is the kind's usual one (ledger.OrderMemo), both shown from the order's invoice when
-- read. Other postings keep their txn and no order_id. Idempotence is unchanged (see the SQLite
-- twin of this migration).
ALTER TABLE postings ALTER COLUMN txn DROP NOT NULL;
ALTER TABLE postings ADD COLUMN order_id BIGINT;
ALTER TABLE postings ADD COLUMN kind SMALLINT;
UPDATE postings p SET order_id = o.id, kind = k.kind, txn = NULL,
    memo = CASE WHEN p.memo = k.memo || o.invoice THEN '' ELSE p.memo END
FROM (VALUES (0, 'hold', 'hold for '), (1, 'capture', 'capture '), (2, 'release', 'refund '),
        (3, 'cost', NULL), (4, 'commission', 'commission on ')) AS k (kind, name, memo),
    orders o
WHERE p.txn LIKE 'order:%:' || k.name
    AND o.invoice = substr(p.txn, 7, length(p.txn) - 7 - length(k.name));
ALTER TABLE postings ADD CONSTRAINT postings_keyed CHECK ((txn IS NULL) <> (order_id IS NULL));
ALTER TABLE postings ADD CONSTRAINT postings_kind CHECK ((order_id IS NULL) = (kind IS NULL));

-- Each index is read by a query (see the SQLite twin): postings_txn only over postings that have
-- a txn, postings_order by an order's postings.
DROP INDEX postings_txn;
CREATE INDEX postings_txn ON postings (txn) WHERE txn IS NOT NULL;
CREATE INDEX postings_order ON postings (order_id, kind) WHERE order_id IS NOT NULL;

-- +goose Down
ALTER TABLE postings DROP CONSTRAINT postings_kind;
ALTER TABLE postings DROP CONSTRAINT postings_keyed;
DROP INDEX postings_order;
DROP INDEX postings_txn;
UPDATE postings p
SET txn = 'order:' || COALESCE((SELECT o.invoice FROM orders o WHERE o.id = p.order_id), '#' || p.order_id) || ':' || k.name,
    memo = CASE WHEN p.memo = '' THEN COALESCE(k.memo || (SELECT o.invoice FROM orders o WHERE o.id = p.order_id), '') ELSE p.memo END
FROM (VALUES (0, 'hold', 'hold for '), (1, 'capture', 'capture '), (2, 'release', 'refund '),
        (3, 'cost', NULL), (4, 'commission', 'commission on ')) AS k (kind, name, memo)
WHERE p.order_id IS NOT NULL AND k.kind = p.kind;
ALTER TABLE postings DROP COLUMN kind;
ALTER TABLE postings DROP COLUMN order_id;
ALTER TABLE postings ALTER COLUMN txn SET NOT NULL;
CREATE INDEX postings_txn ON postings (txn);
