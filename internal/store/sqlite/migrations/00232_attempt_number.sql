-- +goose NO TRANSACTION
-- +goose Up
-- Issue 22, fewer bytes per order: the reference an attempt was sent upstream under is its
-- order's invoice, '-' and its number (1, 2, … per order; core's fulfilment makes it so), so the
-- row keeps the number and the reference is made from the invoice when read (store.attemptRef).
-- The text in each row and its unique index cost a settled order 65 bytes; (order_id, number)
-- is unique instead — a reference still can never be sent twice — and serves both the order's
-- attempts (Attempts, OrderWithAttempts, AttemptLog, MarginReport's join; attempts_order before)
-- and an attempt by reference (AttemptByReference: the order by invoice, then this).
--
-- A reference of another form would leave number NULL and make the copy fail, changing nothing.
-- SQLite cannot drop a UNIQUE column in place, so the table is rebuilt as its ALTER TABLE page
-- says (section 7), like migration 00200: attempt_log references attempts, so foreign keys are
-- off (outside a transaction, hence NO TRANSACTION) while the table is replaced, ids kept.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE attempts_new (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    number       INTEGER NOT NULL CHECK (number > 0),
    supplier     TEXT    NOT NULL,
    sku          TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    sn           TEXT    NOT NULL DEFAULT '',
    message      TEXT    NOT NULL DEFAULT '',
    raw          TEXT    NOT NULL DEFAULT '',
    cost         INTEGER NOT NULL DEFAULT 0,
    polls        INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    upstream_ref TEXT    NOT NULL DEFAULT '',
    CONSTRAINT attempts_order_number UNIQUE (order_id, number)
);
INSERT INTO attempts_new (id, order_id, number, supplier, sku, state, sn, message, raw, cost, polls, created_at, updated_at, upstream_ref)
SELECT a.id, a.order_id,
    CASE WHEN a.reference = o.invoice || '-' || CAST(substr(a.reference, length(o.invoice) + 2) AS INTEGER)
        THEN CAST(substr(a.reference, length(o.invoice) + 2) AS INTEGER) END,
    a.supplier, a.sku, a.state, a.sn, a.message, a.raw, a.cost, a.polls, a.created_at, a.updated_at, a.upstream_ref
FROM attempts a LEFT JOIN orders o ON o.id = a.order_id;
DROP TABLE attempts;
ALTER TABLE attempts_new RENAME TO attempts;
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE attempts_old (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    supplier     TEXT    NOT NULL,
    sku          TEXT    NOT NULL,
    reference    TEXT    NOT NULL UNIQUE,
    state        TEXT    NOT NULL,
    sn           TEXT    NOT NULL DEFAULT '',
    message      TEXT    NOT NULL DEFAULT '',
    raw          TEXT    NOT NULL DEFAULT '',
    cost         INTEGER NOT NULL DEFAULT 0,
    polls        INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    upstream_ref TEXT    NOT NULL DEFAULT ''
);
INSERT INTO attempts_old (id, order_id, supplier, sku, reference, state, sn, message, raw, cost, polls, created_at, updated_at, upstream_ref)
SELECT a.id, a.order_id, a.supplier, a.sku, o.invoice || '-' || a.number, a.state, a.sn, a.message, a.raw, a.cost, a.polls,
    a.created_at, a.updated_at, a.upstream_ref
FROM attempts a JOIN orders o ON o.id = a.order_id;
DROP TABLE attempts;
ALTER TABLE attempts_old RENAME TO attempts;
CREATE INDEX attempts_order ON attempts (order_id);
COMMIT;
PRAGMA foreign_keys = ON;
