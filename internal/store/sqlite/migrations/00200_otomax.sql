-- +goose NO TRANSACTION
-- +goose Up
-- Kind otomax (issue 21): Kios buys from an Otomax/IRS center "via IP". Its replies are free text
-- read with the operator's regular expressions, kept per supplier as JSON (reply_patterns;
-- empty: the defaults of client/otomax).
--
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt the way SQLite's
-- ALTER TABLE page says (section 7): foreign keys off (outside a transaction, hence NO
-- TRANSACTION: goose runs such a migration on one connection), a new table, the rows copied with
-- their ids, the old one dropped, the new one renamed, in one transaction. supplier_products'
-- REFERENCES suppliers (id) then names the new table.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE suppliers_new (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL CHECK (kind IN ('basstore', 'digiswitch', 'simulator', 'digiflazz', 'otomax')),
    base_url   TEXT    NOT NULL DEFAULT '',
    token      TEXT    NOT NULL DEFAULT '',
    username   TEXT    NOT NULL DEFAULT '',
    api_key    TEXT    NOT NULL DEFAULT '',
    -- Secret that signs the supplier's callbacks to /callback/{name}.
    callback_secret TEXT NOT NULL DEFAULT '',
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    balance    INTEGER NOT NULL DEFAULT 0,
    balance_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    max_inflight INTEGER NOT NULL DEFAULT 1000,
    rate       REAL    NOT NULL DEFAULT 0,
    reply_patterns TEXT NOT NULL DEFAULT ''
);
INSERT INTO suppliers_new (id, name, kind, base_url, token, username, api_key, callback_secret, enabled, balance, balance_at,
    created_at, updated_at, max_inflight, rate)
SELECT id, name, kind, base_url, token, username, api_key, callback_secret, enabled, balance, balance_at,
    created_at, updated_at, max_inflight, rate FROM suppliers;
DROP TABLE suppliers;
ALTER TABLE suppliers_new RENAME TO suppliers;

-- A reseller's Otomax "via IP" credentials: the PIN its sign covers (sealed, like api keys: the
-- server needs it in clear to compute the sign) and whether the center takes pin and password
-- in the query as well.
CREATE TABLE reseller_otomax (
    reseller_id INTEGER PRIMARY KEY REFERENCES resellers (id),
    pin         TEXT    NOT NULL,
    plain       BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at  INTEGER NOT NULL
);
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP TABLE reseller_otomax;
CREATE TABLE suppliers_new (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL CHECK (kind IN ('basstore', 'digiswitch', 'simulator', 'digiflazz')),
    base_url   TEXT    NOT NULL DEFAULT '',
    token      TEXT    NOT NULL DEFAULT '',
    username   TEXT    NOT NULL DEFAULT '',
    api_key    TEXT    NOT NULL DEFAULT '',
    callback_secret TEXT NOT NULL DEFAULT '',
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    balance    INTEGER NOT NULL DEFAULT 0,
    balance_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    max_inflight INTEGER NOT NULL DEFAULT 1000,
    rate       REAL    NOT NULL DEFAULT 0
);
INSERT INTO suppliers_new (id, name, kind, base_url, token, username, api_key, callback_secret, enabled, balance, balance_at,
    created_at, updated_at, max_inflight, rate)
SELECT id, name, kind, base_url, token, username, api_key, callback_secret, enabled, balance, balance_at,
    created_at, updated_at, max_inflight, rate FROM suppliers;
DROP TABLE suppliers;
ALTER TABLE suppliers_new RENAME TO suppliers;
COMMIT;
PRAGMA foreign_keys = ON;
