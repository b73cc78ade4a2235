-- +goose NO TRANSACTION
-- +goose Up
-- Issue 22, fewer bytes per order: once an order is final it holds its SN and message for good,
-- which its deciding attempt said too; an attempt whose SN or message is its order's keeps NULL
-- there, read as the order's (store.attemptSN, attemptMessage). Set when the order is finished
-- (store.Tx.OrderFinishJob), and here for the final orders already settled.
--
-- SQLite cannot drop a NOT NULL in place: the table is rebuilt as in migration 00232.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE attempts_new (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    number       INTEGER NOT NULL CHECK (number > 0),
    supplier     TEXT    NOT NULL,
    sku          TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    sn           TEXT    DEFAULT '',
    message      TEXT    DEFAULT '',
    raw          TEXT    NOT NULL DEFAULT '',
    cost         INTEGER NOT NULL DEFAULT 0,
    polls        INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    upstream_ref TEXT    NOT NULL DEFAULT '',
    CONSTRAINT attempts_order_number UNIQUE (order_id, number)
);
INSERT INTO attempts_new (id, order_id, number, supplier, sku, state, sn, message, raw, cost, polls, created_at, updated_at, upstream_ref)
SELECT a.id, a.order_id, a.number, a.supplier, a.sku, a.state,
    CASE WHEN o.status <> 'Pending' AND a.sn = o.sn THEN NULL ELSE a.sn END,
    CASE WHEN o.status <> 'Pending' AND a.message = o.message THEN NULL ELSE a.message END,
    a.raw, a.cost, a.polls, a.created_at, a.updated_at, a.upstream_ref
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
INSERT INTO attempts_old (id, order_id, number, supplier, sku, state, sn, message, raw, cost, polls, created_at, updated_at, upstream_ref)
SELECT a.id, a.order_id, a.number, a.supplier, a.sku, a.state, COALESCE(a.sn, o.sn, ''), COALESCE(a.message, o.message, ''),
    a.raw, a.cost, a.polls, a.created_at, a.updated_at, a.upstream_ref
FROM attempts a LEFT JOIN orders o ON o.id = a.order_id;
DROP TABLE attempts;
ALTER TABLE attempts_old RENAME TO attempts;
COMMIT;
PRAGMA foreign_keys = ON;
