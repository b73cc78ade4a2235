-- +goose Up
-- The reseller's own member area (/member/ on the public listener). Its portal password lives
-- apart from the resellers row, so a password change does not move the resellers epoch and drop
-- every cached credential. Session ids, passwords and recovery codes are stored only as hashes.
CREATE TABLE reseller_logins (
    reseller_id   INTEGER PRIMARY KEY REFERENCES resellers (id),
    password_hash TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE member_sessions (
    id_hash     TEXT    PRIMARY KEY,
    reseller_id INTEGER NOT NULL REFERENCES resellers (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    flash       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX member_sessions_expiry ON member_sessions (expires_at);
CREATE INDEX member_sessions_reseller ON member_sessions (reseller_id);

-- A message for the next page a session sees (post/redirect/get), instead of text in the URL.
ALTER TABLE admin_sessions ADD COLUMN flash TEXT NOT NULL DEFAULT '';

-- TOTP two-factor login, for admins ('admin:ID') and resellers ('reseller:ID'). A secret is
-- pending until its first code is confirmed; last_step refuses a code used once already.
CREATE TABLE totp_secrets (
    subject    TEXT    PRIMARY KEY,
    secret     TEXT    NOT NULL,
    enabled    BOOLEAN NOT NULL DEFAULT FALSE,
    last_step  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE recovery_codes (
    subject   TEXT    NOT NULL,
    code_hash TEXT    NOT NULL,
    used_at   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (subject, code_hash)
);

-- What the reseller's callback URL answered, newest kept per reseller (the member area shows the
-- last 20).
CREATE TABLE callback_deliveries (
    id          INTEGER PRIMARY KEY,
    reseller_id INTEGER NOT NULL,
    invoice     TEXT    NOT NULL DEFAULT '',
    url         TEXT    NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0,
    result      TEXT    NOT NULL DEFAULT '',
    test        BOOLEAN NOT NULL DEFAULT FALSE,
    at          INTEGER NOT NULL
);
CREATE INDEX callback_deliveries_reseller ON callback_deliveries (reseller_id, id);

-- A reseller's own orders, newest first (the member area's Transaksi page).
CREATE INDEX orders_reseller ON orders (reseller_id, id);

-- +goose Down
DROP INDEX orders_reseller;
DROP TABLE callback_deliveries;
DROP TABLE recovery_codes;
DROP TABLE totp_secrets;
ALTER TABLE admin_sessions DROP COLUMN flash;
DROP TABLE member_sessions;
DROP TABLE reseller_logins;
