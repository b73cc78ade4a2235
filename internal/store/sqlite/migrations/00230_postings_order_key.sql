-- +goose Up
-- Issue 22, fewer bytes per order: an order's postings are keyed by (order_id, kind) instead of
-- the txn text "order:INVOICE:kind", which cost every posting its invoice twice, in the row and
-- in postings_txn (about 150 of a settled order's 800 bytes). kind is ledger.OrderPosting
-- (0 hold, 1 capture, 2 release, 3 cost, 4 commission; never renumbered); an order's posting has
-- no txn, and an empty memo when its memo is the kind's usual one (ledger.OrderMemo: "hold for
-- INVOICE", …), both shown from the order's invoice when read. Other postings (tickets,
-- payments, the storefront, commission exchanges) keep their txn and no order_id.
--
-- Idempotence is unchanged: an order's postings are made once because the status change they
-- go with (Pending → final, a conditional UPDATE) happens once in the same transaction, and
-- `kios ledger check` reports any order with other than exactly the postings its status calls
-- for. postings_txn never was unique (a commission posting repeats per upline).
--
-- SQLite cannot drop txn's NOT NULL in place, so the table is rebuilt (its ids kept); nothing
-- references postings, so foreign keys need not be turned off.
CREATE TABLE postings_new (
    id          INTEGER PRIMARY KEY,
    txn         TEXT,
    order_id    INTEGER,
    kind        INTEGER,
    source      INTEGER NOT NULL REFERENCES accounts (id),
    destination INTEGER NOT NULL REFERENCES accounts (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    memo        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    CHECK (source <> destination),
    CONSTRAINT postings_keyed CHECK ((txn IS NULL) <> (order_id IS NULL)),
    CONSTRAINT postings_kind CHECK ((order_id IS NULL) = (kind IS NULL))
);
INSERT INTO postings_new (id, txn, order_id, kind, source, destination, amount, memo, created_at)
WITH k (kind, name, memo) AS (VALUES (0, 'hold', 'hold for '), (1, 'capture', 'capture '),
        (2, 'release', 'refund '), (3, 'cost', NULL), (4, 'commission', 'commission on ')),
    keyed AS (
        SELECT p.id, o.id AS order_id, o.invoice, k.kind, k.memo AS usual
        FROM postings p JOIN k ON p.txn GLOB 'order:*:' || k.name
        JOIN orders o ON o.invoice = substr(p.txn, 7, length(p.txn) - 7 - length(k.name)))
SELECT p.id, CASE WHEN y.order_id IS NULL THEN p.txn END, y.order_id, y.kind,
    p.source, p.destination, p.amount,
    CASE WHEN y.order_id IS NOT NULL AND p.memo = y.usual || y.invoice THEN '' ELSE p.memo END,
    p.created_at
FROM postings p LEFT JOIN keyed y ON y.id = p.id;
DROP TABLE postings;
ALTER TABLE postings_new RENAME TO postings;

-- Each index is read by a query: postings_source and postings_destination by an account's
-- balance and statement (LedgerCheck's sums, Postings, ResellerPostings); postings_txn by the
-- postings of a ticket, payment or storefront invoice (ledgerCheckTickets, ledgerCheckPayments,
-- ledgerCheckShop, PostingsByTxnPrefix), only over postings that have a txn; postings_order by an
-- order's postings (ledgerCheckOrdersWhere's join, PostingsByTxnPrefix of "order:INVOICE:").
CREATE INDEX postings_source ON postings (source);
CREATE INDEX postings_destination ON postings (destination);
CREATE INDEX postings_txn ON postings (txn) WHERE txn IS NOT NULL;
CREATE INDEX postings_order ON postings (order_id, kind) WHERE order_id IS NOT NULL;

-- +goose Down
CREATE TABLE postings_old (
    id          INTEGER PRIMARY KEY,
    txn         TEXT    NOT NULL,
    source      INTEGER NOT NULL REFERENCES accounts (id),
    destination INTEGER NOT NULL REFERENCES accounts (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    memo        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    CHECK (source <> destination)
);
INSERT INTO postings_old (id, txn, source, destination, amount, memo, created_at)
WITH k (kind, name, memo) AS (VALUES (0, 'hold', 'hold for '), (1, 'capture', 'capture '),
        (2, 'release', 'refund '), (3, 'cost', NULL), (4, 'commission', 'commission on '))
SELECT p.id, COALESCE(p.txn, 'order:' || COALESCE(o.invoice, '#' || p.order_id) || ':' || k.name),
    p.source, p.destination, p.amount,
    CASE WHEN p.order_id IS NOT NULL AND p.memo = '' THEN COALESCE(k.memo || o.invoice, '') ELSE p.memo END,
    p.created_at
FROM postings p LEFT JOIN k ON k.kind = p.kind LEFT JOIN orders o ON o.id = p.order_id;
DROP TABLE postings;
ALTER TABLE postings_old RENAME TO postings;
CREATE INDEX postings_source ON postings (source);
CREATE INDEX postings_destination ON postings (destination);
CREATE INDEX postings_txn ON postings (txn);
