-- +goose Up
-- Payment gateways and bank-mutation feeds that credit deposit tickets without an operator
-- (issue 18). Credentials are kept as given (the adapter needs them in clear to sign requests
-- and verify callbacks); listings never print them.
CREATE TABLE gateways (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE,
    kind           TEXT    NOT NULL CHECK (kind IN ('tripay', 'midtrans', 'duitku', 'xendit', 'moota', 'sandbox')),
    base_url       TEXT    NOT NULL DEFAULT '',
    merchant_code  TEXT    NOT NULL DEFAULT '',
    api_key        TEXT    NOT NULL DEFAULT '',
    private_key    TEXT    NOT NULL DEFAULT '',
    server_key     TEXT    NOT NULL DEFAULT '',
    callback_token TEXT    NOT NULL DEFAULT '',
    secret         TEXT    NOT NULL DEFAULT '',
    methods        TEXT    NOT NULL DEFAULT '',
    -- Who bears the gateway's fee: 'distributor' (the reseller is credited the whole ticket) or
    -- 'reseller' (the fee is taken from the credit, as its own posting).
    fee_policy     TEXT    NOT NULL DEFAULT 'distributor' CHECK (fee_policy IN ('distributor', 'reseller')),
    enabled        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

-- One payment at a gateway (or one credit mutation seen by a mutation feed). The unique
-- (gateway, reference) is what makes a payment credit at most once: the provider's reference
-- names it, and a replayed or concurrent callback finds its row taken.
CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    gateway_id   INTEGER NOT NULL REFERENCES gateways (id),
    reference    TEXT    NOT NULL,
    ticket_id    INTEGER REFERENCES deposit_tickets (id),
    reseller_id  INTEGER REFERENCES resellers (id),
    method       TEXT    NOT NULL DEFAULT '',
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    paid_amount  INTEGER NOT NULL DEFAULT 0,
    fee          INTEGER NOT NULL DEFAULT 0 CHECK (fee >= 0),
    pay_code     TEXT    NOT NULL DEFAULT '',
    qr_string    TEXT    NOT NULL DEFAULT '',
    checkout_url TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'paid', 'held', 'unmatched', 'failed', 'expired', 'refunded')),
    -- Why an operator should look: 'late' (ticket expired), 'rejected' (ticket rejected),
    -- 'amount' (paid a different amount), 'settled' (ticket approved otherwise), 'unmatched',
    -- 'ambiguous' (two tickets), 'refund'.
    flag         TEXT    NOT NULL DEFAULT '',
    -- The ledger txn of its credit ('' when it credited nothing).
    credit_txn   TEXT    NOT NULL DEFAULT '',
    detail       TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL DEFAULT 0,
    paid_at      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (gateway_id, reference)
);
CREATE INDEX payments_ticket ON payments (ticket_id);
CREATE INDEX payments_status ON payments (status, id);

-- Every callback received at /callback/payment/{gateway}, raw, with its verification result.
CREATE TABLE payment_callbacks (
    id           INTEGER PRIMARY KEY,
    gateway_id   INTEGER REFERENCES gateways (id),
    gateway      TEXT    NOT NULL,
    remote_addr  TEXT    NOT NULL DEFAULT '',
    content_type TEXT    NOT NULL DEFAULT '',
    headers      TEXT    NOT NULL DEFAULT '',
    body         TEXT    NOT NULL DEFAULT '',
    verified     BOOLEAN NOT NULL DEFAULT FALSE,
    result       TEXT    NOT NULL DEFAULT '',
    reference    TEXT    NOT NULL DEFAULT '',
    received_at  INTEGER NOT NULL
);
CREATE INDEX payment_callbacks_gateway ON payment_callbacks (gateway, id);

-- +goose Down
DROP TABLE payment_callbacks;
DROP TABLE payments;
DROP TABLE gateways;
