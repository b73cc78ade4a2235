-- +goose Up
-- The storefront's invoices (issue 19): what an end buyer asked for at checkout and what became
-- of it. A checkout holds nothing; the gateway's paid callback credits the storefront's clearing
-- account and places the order (order_invoice) in one transaction. A failed fulfilment leaves
-- the buyer's money owed back ('failed' here, the shop_refunds_owed account in the ledger) until
-- the operator refunds it ('refunded').
CREATE TABLE shop_invoices (
    id            INTEGER PRIMARY KEY,
    code          TEXT    NOT NULL UNIQUE,
    variant_id    INTEGER NOT NULL REFERENCES variants (id),
    variant_code  TEXT    NOT NULL,
    product_name  TEXT    NOT NULL DEFAULT '',
    destination   TEXT    NOT NULL,
    nickname      TEXT    NOT NULL DEFAULT '',
    amount        INTEGER NOT NULL CHECK (amount > 0),
    -- What the buyer actually paid (a gateway may report another amount: all of it is credited).
    paid_amount   INTEGER NOT NULL DEFAULT 0,
    method        TEXT    NOT NULL DEFAULT '',
    gateway_id    INTEGER REFERENCES gateways (id),
    payment_id    INTEGER REFERENCES payments (id),
    phone         TEXT    NOT NULL,
    email         TEXT    NOT NULL DEFAULT '',
    ip            TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL CHECK (status IN ('unpaid', 'expired', 'pending', 'success', 'failed', 'refunded')),
    order_invoice TEXT    NOT NULL DEFAULT '',
    sn            TEXT    NOT NULL DEFAULT '',
    -- Why it failed or what the operator noted when refunding; 'late' marks a payment after expiry.
    reason        TEXT    NOT NULL DEFAULT '',
    flag          TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    paid_at       INTEGER NOT NULL DEFAULT 0,
    done_at       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX shop_invoices_phone ON shop_invoices (phone, status);
CREATE INDEX shop_invoices_status ON shop_invoices (status, expires_at);
CREATE INDEX shop_invoices_payment ON shop_invoices (payment_id);

-- +goose Down
DROP TABLE shop_invoices;
