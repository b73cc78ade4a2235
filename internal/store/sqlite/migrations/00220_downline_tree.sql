-- +goose Up
-- The downline tree (issue 21). A reseller with a row here is a downline: it buys at its
-- upline's price plus the markup its upline set for it (the default here, or an override per
-- product or variant below). A reseller with no row is a top reseller: it buys at the center's
-- price for its membership. An upline is created before its downlines and never changes, so
-- ids grow down every path (no cycles).
CREATE TABLE downlines (
    reseller_id INTEGER NOT NULL PRIMARY KEY REFERENCES resellers (id),
    upline_id   INTEGER NOT NULL REFERENCES resellers (id),
    markup      BIGINT  NOT NULL DEFAULT 0 CHECK (markup >= 0),
    depth       INTEGER NOT NULL CHECK (depth >= 1)
);
CREATE INDEX downlines_upline ON downlines (upline_id);

-- An upline's markup on one downline for one product (every variant of it) or one variant.
CREATE TABLE downline_markups (
    reseller_id INTEGER NOT NULL REFERENCES resellers (id),
    scope       TEXT    NOT NULL CHECK (scope IN ('product', 'variant')),
    target_id   INTEGER NOT NULL,
    rupiah      BIGINT  NOT NULL CHECK (rupiah >= 0),
    PRIMARY KEY (reseller_id, scope, target_id)
);

-- What each upline on an order's path earns when it succeeds, fixed when the order is accepted
-- (the price the downline paid is fixed then too). The ledger check verifies price = center
-- price (the capture) + the sum of these.
CREATE TABLE order_commissions (
    order_id  INTEGER NOT NULL REFERENCES orders (id),
    upline_id INTEGER NOT NULL REFERENCES resellers (id),
    amount    BIGINT NOT NULL CHECK (amount > 0),
    PRIMARY KEY (order_id, upline_id)
);
CREATE INDEX order_commissions_upline ON order_commissions (upline_id);

-- +goose Down
DROP TABLE order_commissions;
DROP TABLE downline_markups;
DROP TABLE downlines;
