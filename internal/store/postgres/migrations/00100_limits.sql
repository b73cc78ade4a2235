-- +goose Up
-- The most Kios may lose on one sale of a variant (`kios catalog limits`), overriding the
-- server's --max-loss: a purchase upstream carries the order's price plus this as its maximum.
CREATE TABLE variant_limits (
    variant_id BIGINT  PRIMARY KEY REFERENCES variants (id),
    max_loss   BIGINT  NOT NULL CHECK (max_loss >= 0),
    updated_at BIGINT  NOT NULL
);

-- What an operator must look at about an order the ledger cannot say: a supplier's success
-- above the purchase's limit (over_limit), a success without the serial number the product
-- needs (no_sn), a success arriving after the order was failed by hand (late_delivery). One row
-- per order and flag; the first detail stands.
CREATE TABLE order_flags (
    order_id   BIGINT  NOT NULL REFERENCES orders (id),
    flag       TEXT COLLATE "C" NOT NULL,
    detail     TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (order_id, flag)
);
CREATE INDEX order_flags_flag ON order_flags (flag, created_at);

-- +goose Down
DROP TABLE order_flags;
DROP TABLE variant_limits;
