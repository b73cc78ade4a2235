-- +goose Up
-- Upstream suppliers Kios buys from. Credentials are kept as given (the connector needs them in
-- clear to sign requests); listings never print them.
CREATE TABLE suppliers (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL CHECK (kind IN ('basstore', 'digiswitch', 'simulator', 'digiflazz')),
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
    updated_at INTEGER NOT NULL
);

-- What a supplier sells, as its own catalog says, and which of our variants it fulfils.
CREATE TABLE supplier_products (
    id           INTEGER PRIMARY KEY,
    supplier_id  INTEGER NOT NULL REFERENCES suppliers (id),
    code         TEXT    NOT NULL,
    name         TEXT    NOT NULL DEFAULT '',
    product_code TEXT    NOT NULL DEFAULT '',
    product_name TEXT    NOT NULL DEFAULT '',
    category     TEXT    NOT NULL DEFAULT '',
    kind         TEXT    NOT NULL DEFAULT 'prepaid' CHECK (kind IN ('prepaid', 'postpaid')),
    cost         INTEGER NOT NULL CHECK (cost >= 0),
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    variant_id   INTEGER REFERENCES variants (id),
    priority     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (supplier_id, code)
);
CREATE INDEX supplier_products_variant ON supplier_products (variant_id, priority);

-- Every change of a supplier's cost or of a sell price, for support and audits.
CREATE TABLE price_changes (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT    NOT NULL CHECK (kind IN ('cost', 'price')),
    supplier_product_id INTEGER REFERENCES supplier_products (id),
    variant_id          INTEGER REFERENCES variants (id),
    tier                TEXT    NOT NULL DEFAULT '',
    old_amount          INTEGER NOT NULL,
    new_amount          INTEGER NOT NULL,
    changed_at          INTEGER NOT NULL
);
CREATE INDEX price_changes_time ON price_changes (changed_at);

-- How sell prices derive from cost: the most specific rule (variant, then product, then
-- default) for a tier wins; percent is in basis points (150 = 1.5 %); floor is the least margin
-- kept over cost whatever the rule says.
CREATE TABLE markup_rules (
    id         INTEGER PRIMARY KEY,
    scope      TEXT    NOT NULL CHECK (scope IN ('default', 'product', 'variant')),
    target     TEXT    NOT NULL DEFAULT '',
    tier       TEXT    NOT NULL,
    fixed      INTEGER NOT NULL DEFAULT 0,
    percent_bp INTEGER NOT NULL DEFAULT 0,
    floor      INTEGER NOT NULL DEFAULT 0 CHECK (floor >= 0),
    UNIQUE (scope, target, tier)
);

-- The supplier's own id for an attempt (BASSTORE's invoice), learnt from its order answer and
-- needed to ask after it.
ALTER TABLE attempts ADD COLUMN upstream_ref TEXT NOT NULL DEFAULT '';

CREATE INDEX orders_day ON orders (day);

-- Every answer from upstream about an attempt (order call, status poll, callback), for support:
-- attempts hold the latest, this the whole conversation.
CREATE TABLE attempt_log (
    id         INTEGER PRIMARY KEY,
    attempt_id INTEGER NOT NULL REFERENCES attempts (id),
    state      TEXT    NOT NULL,
    message    TEXT    NOT NULL DEFAULT '',
    raw        TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX attempt_log_attempt ON attempt_log (attempt_id);

-- +goose Down
DROP TABLE attempt_log;
DROP INDEX orders_day;
ALTER TABLE attempts DROP COLUMN upstream_ref;
DROP TABLE markup_rules;
DROP TABLE price_changes;
DROP TABLE supplier_products;
DROP TABLE suppliers;
