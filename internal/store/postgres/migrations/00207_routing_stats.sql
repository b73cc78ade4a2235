-- +goose Up
-- Each node's router learns suppliers' outcomes in memory; it saves its view here every few
-- seconds so that `kios supplier stats`, the admin API and every node's dashboard can show it.
CREATE TABLE routing_stats (
    node       TEXT    NOT NULL,
    supplier   TEXT    NOT NULL,
    sku        TEXT    NOT NULL,
    stats      TEXT    NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (node, supplier, sku)
);

-- +goose Down
DROP TABLE routing_stats;
