-- +goose Up
-- The operator's own settings (issue 14): named values the dialects and pages show, such as the
-- seller_name of the Digiflazz price list. A name without a row has its default.
CREATE TABLE settings (
    name       TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The distributor's bank accounts that resellers transfer deposits to, one per bank (a deposit
-- names its bank; the name is kept upper case). Listed by id: the text channels' ticket names
-- the first.
CREATE TABLE bank_accounts (
    id             INTEGER PRIMARY KEY,
    bank           TEXT    NOT NULL UNIQUE,
    account_no     TEXT    NOT NULL,
    holder         TEXT    NOT NULL DEFAULT '',
    payment_method TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL
);

-- +goose Down
DROP TABLE bank_accounts;
DROP TABLE settings;
