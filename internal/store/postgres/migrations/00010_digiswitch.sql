-- +goose Up
-- A postpaid inquiry: the bill as the biller reported it and the prices Kios quoted, kept so
-- that pay-pasca with the same ref_id on the same Jakarta day pays exactly what was shown.
-- order_id is set, once, by the payment's order (which has the same reference).
CREATE TABLE bill_inquiries (
    id            BIGSERIAL PRIMARY KEY,
    reseller_id   BIGINT  NOT NULL REFERENCES resellers (id),
    reference     TEXT    NOT NULL,
    variant_id    BIGINT  NOT NULL REFERENCES variants (id),
    variant_code  TEXT    NOT NULL,
    customer_no   TEXT    NOT NULL,
    customer_name TEXT    NOT NULL DEFAULT '',
    day           TEXT    NOT NULL,
    sheets        BIGINT  NOT NULL,
    amount        BIGINT  NOT NULL CHECK (amount >= 0),
    penalty       BIGINT  NOT NULL CHECK (penalty >= 0),
    admin         BIGINT  NOT NULL CHECK (admin >= 0),
    commission    BIGINT  NOT NULL CHECK (commission >= 0),
    price         BIGINT  NOT NULL CHECK (price >= 0),
    selling_price BIGINT  NOT NULL CHECK (selling_price >= 0),
    bill_desc     TEXT    NOT NULL DEFAULT '',
    paid_desc     TEXT    NOT NULL DEFAULT '',
    testing       BOOLEAN NOT NULL DEFAULT FALSE,
    order_id      BIGINT  REFERENCES orders (id),
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    UNIQUE (reseller_id, reference)
);

-- A deposit ticket: the reseller transfers exactly amount (requested plus a unique tail); when the
-- money is seen the ticket is approved and the balance credited in the same transaction, guarded
-- by the status so that it happens once.
CREATE TABLE deposit_tickets (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    reseller_id BIGINT  NOT NULL REFERENCES resellers (id),
    requested   BIGINT  NOT NULL CHECK (requested > 0),
    amount      BIGINT  NOT NULL CHECK (amount > 0),
    bank        TEXT    NOT NULL DEFAULT '',
    owner_name  TEXT    NOT NULL DEFAULT '',
    notes       TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL CHECK (status IN ('open', 'approved', 'rejected', 'expired')),
    settled_by  TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    settled_at  BIGINT  NOT NULL DEFAULT 0
);
-- No two open tickets share an amount, or a transfer could not tell which one it pays.
CREATE UNIQUE INDEX deposit_tickets_open_amount ON deposit_tickets (amount) WHERE status = 'open';
CREATE INDEX deposit_tickets_status ON deposit_tickets (status, id);
CREATE INDEX deposit_tickets_reseller ON deposit_tickets (reseller_id, id);

-- Bank statement lines that approved a ticket, so that importing a statement twice credits once.
CREATE TABLE statement_lines (
    hash       TEXT    PRIMARY KEY,
    ticket_id  BIGINT  NOT NULL REFERENCES deposit_tickets (id),
    line       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE statement_lines;
DROP TABLE deposit_tickets;
DROP TABLE bill_inquiries;
