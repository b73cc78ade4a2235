-- +goose Up
-- The text channels (Telegram, Jabber, WhatsApp; issue 20). A reseller's PIN, stored hashed,
-- lives apart from the resellers row so a change does not move the resellers epoch.
CREATE TABLE text_pins (
    reseller_id INTEGER PRIMARY KEY REFERENCES resellers (id),
    pin_hash    TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- An identity on a channel (a Telegram user id, a bare JID, a WhatsApp number) bound to one
-- reseller. Wrong PINs count per identity; five lock it until locked_until.
CREATE TABLE text_identities (
    id           INTEGER PRIMARY KEY,
    channel      TEXT    NOT NULL,
    ext_id       TEXT    NOT NULL,
    reseller_id  INTEGER NOT NULL REFERENCES resellers (id),
    created_at   INTEGER NOT NULL,
    pin_failures INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,
    UNIQUE (channel, ext_id)
);
CREATE INDEX text_identities_reseller ON text_identities (reseller_id);

-- Inbound messages by the transport's id: a redelivered message is seen and not run again. The
-- text is kept with its PINs masked.
CREATE TABLE text_inbox (
    channel     TEXT    NOT NULL,
    message_id  TEXT    NOT NULL,
    sender      TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (channel, message_id)
);

-- Replies waiting to be sent (a textsend job each), kept once sent for support.
CREATE TABLE text_outbox (
    id         INTEGER PRIMARY KEY,
    channel    TEXT    NOT NULL,
    chat       TEXT    NOT NULL,
    reply_to   TEXT    NOT NULL DEFAULT '',
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER NOT NULL DEFAULT 0,
    last_error TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX text_outbox_unsent ON text_outbox (sent_at, id);

-- Every order taken in text, written in the order's own transaction: where its final answer
-- goes, and what the daily limits count.
CREATE TABLE text_orders (
    order_id    INTEGER PRIMARY KEY REFERENCES orders (id),
    identity_id INTEGER NOT NULL,
    reseller_id INTEGER NOT NULL,
    channel     TEXT    NOT NULL,
    chat        TEXT    NOT NULL,
    message_id  TEXT    NOT NULL DEFAULT '',
    price       INTEGER NOT NULL,
    day         TEXT    NOT NULL
);
CREATE INDEX text_orders_identity_day ON text_orders (identity_id, day);
CREATE INDEX text_orders_reseller_day ON text_orders (reseller_id, day);

-- Daily limits of text orders set by the operator: reseller_id 0 is everyone's default; a
-- negative value means "the default's".
CREATE TABLE text_limits (
    reseller_id    INTEGER PRIMARY KEY,
    identity_spend INTEGER NOT NULL,
    identity_count INTEGER NOT NULL,
    reseller_spend INTEGER NOT NULL,
    reseller_count INTEGER NOT NULL
);

-- The configured transports, one per kind; config is JSON and holds secrets (never printed).
CREATE TABLE text_channels (
    kind       TEXT    PRIMARY KEY,
    config     TEXT    NOT NULL,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    created_at INTEGER NOT NULL
);

-- +goose Down
DROP TABLE text_channels;
DROP TABLE text_limits;
DROP INDEX text_orders_reseller_day;
DROP INDEX text_orders_identity_day;
DROP TABLE text_orders;
DROP INDEX text_outbox_unsent;
DROP TABLE text_outbox;
DROP TABLE text_inbox;
DROP INDEX text_identities_reseller;
DROP TABLE text_identities;
DROP TABLE text_pins;
