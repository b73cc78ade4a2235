-- +goose Up
-- A product's own routing policy (cheapest, fastest, most_reliable, balanced); '' follows the
-- global setting routing_policy (docs/FULFILMENT.md, "Routing that learns").
ALTER TABLE products ADD COLUMN routing TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE products DROP COLUMN routing;
