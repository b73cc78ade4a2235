-- +goose Up
CREATE TABLE resellers (
    id           INTEGER PRIMARY KEY,
    username     TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    email        TEXT    NOT NULL DEFAULT '',
    phone        TEXT    NOT NULL DEFAULT '',
    membership   TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    token_hash   TEXT    NOT NULL UNIQUE,
    api_key      TEXT    NOT NULL,
    callback_url TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);

CREATE TABLE reseller_ips (
    reseller_id INTEGER NOT NULL REFERENCES resellers (id),
    cidr        TEXT    NOT NULL,
    PRIMARY KEY (reseller_id, cidr)
);

CREATE TABLE accounts (
    id             INTEGER PRIMARY KEY,
    code           TEXT    NOT NULL UNIQUE,
    kind           TEXT    NOT NULL,
    reseller_id    INTEGER REFERENCES resellers (id),
    balance        INTEGER NOT NULL DEFAULT 0,
    allow_negative BOOLEAN NOT NULL DEFAULT FALSE,
    -- The last line of defence: no code path can leave a reseller's balance negative.
    CHECK (allow_negative OR balance >= 0)
);

CREATE TABLE postings (
    id          INTEGER PRIMARY KEY,
    txn         TEXT    NOT NULL,
    source      INTEGER NOT NULL REFERENCES accounts (id),
    destination INTEGER NOT NULL REFERENCES accounts (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    memo        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    CHECK (source <> destination)
);
CREATE INDEX postings_source ON postings (source);
CREATE INDEX postings_destination ON postings (destination);
CREATE INDEX postings_txn ON postings (txn);

CREATE TABLE products (
    id         INTEGER PRIMARY KEY,
    code       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    category   TEXT    NOT NULL DEFAULT '',
    brand      TEXT    NOT NULL DEFAULT '',
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE variants (
    id               INTEGER PRIMARY KEY,
    product_id       INTEGER NOT NULL REFERENCES products (id),
    code             TEXT    NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    kind             TEXT    NOT NULL DEFAULT 'prepaid' CHECK (kind IN ('prepaid', 'postpaid')),
    type             TEXT    NOT NULL DEFAULT '',
    description      TEXT    NOT NULL DEFAULT '',
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    unlimited_stock  BOOLEAN NOT NULL DEFAULT TRUE,
    stock            INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
    multi            BOOLEAN NOT NULL DEFAULT TRUE,
    cutoff_start     INTEGER NOT NULL DEFAULT 0,
    cutoff_end       INTEGER NOT NULL DEFAULT 0,
    process_duration TEXT    NOT NULL DEFAULT '0',
    admin            INTEGER NOT NULL DEFAULT 0,
    commission       INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX variants_product ON variants (product_id);

CREATE TABLE variant_prices (
    variant_id INTEGER NOT NULL REFERENCES variants (id),
    tier       TEXT    NOT NULL,
    price      INTEGER NOT NULL CHECK (price >= 0),
    PRIMARY KEY (variant_id, tier)
);

CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    invoice      TEXT    NOT NULL UNIQUE,
    reseller_id  INTEGER NOT NULL REFERENCES resellers (id),
    reference    TEXT    NOT NULL,
    variant_id   INTEGER NOT NULL REFERENCES variants (id),
    variant_code TEXT    NOT NULL,
    product_name TEXT    NOT NULL,
    destination  TEXT    NOT NULL,
    price        INTEGER NOT NULL CHECK (price >= 0),
    cost         INTEGER NOT NULL DEFAULT 0,
    status       TEXT    NOT NULL CHECK (status IN ('Pending', 'Success', 'Failed')),
    sn           TEXT    NOT NULL DEFAULT '',
    message      TEXT    NOT NULL DEFAULT '',
    day          TEXT    NOT NULL,
    multi        BOOLEAN NOT NULL,
    testing      BOOLEAN NOT NULL DEFAULT FALSE,
    dialect      TEXT    NOT NULL DEFAULT '',
    callback_url TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (reseller_id, reference)
);
CREATE INDEX orders_status ON orders (status, id);
CREATE INDEX orders_destination ON orders (destination);

-- One row per (non-multi variant, destination, Jakarta day) while its order is Pending or
-- Success; the primary key makes the multi rule race-free on every backend.
CREATE TABLE multi_guards (
    variant_id  INTEGER NOT NULL,
    destination TEXT    NOT NULL,
    day         TEXT    NOT NULL,
    order_id    INTEGER NOT NULL,
    PRIMARY KEY (variant_id, destination, day)
);
CREATE INDEX multi_guards_order ON multi_guards (order_id);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    order_id     INTEGER NOT NULL,
    run_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    locked_by    TEXT    NOT NULL DEFAULT '',
    locked_until INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX jobs_due ON jobs (run_at, id);

CREATE TABLE attempts (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    supplier   TEXT    NOT NULL,
    sku        TEXT    NOT NULL,
    reference  TEXT    NOT NULL UNIQUE,
    state      TEXT    NOT NULL,
    sn         TEXT    NOT NULL DEFAULT '',
    message    TEXT    NOT NULL DEFAULT '',
    raw        TEXT    NOT NULL DEFAULT '',
    cost       INTEGER NOT NULL DEFAULT 0,
    polls      INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX attempts_order ON attempts (order_id);

-- +goose Down
DROP TABLE attempts;
DROP TABLE jobs;
DROP TABLE multi_guards;
DROP TABLE orders;
DROP TABLE variant_prices;
DROP TABLE variants;
DROP TABLE products;
DROP TABLE postings;
DROP TABLE accounts;
DROP TABLE reseller_ips;
DROP TABLE resellers;
