-- +goose Up
-- Issue 22, fewer bytes per order: an order's posting keeps its time as microseconds since its
-- order's created_at instead of a whole timestamp (see the SQLite twin of this migration; the
-- byte target is SQLite's, and PostgreSQL keeps the same encoding so that both read and write
-- postings with the same statements). Postings without an order keep the time itself.
UPDATE postings p SET created_at = p.created_at - o.created_at FROM orders o WHERE o.id = p.order_id;

-- +goose Down
UPDATE postings p SET created_at = p.created_at + o.created_at FROM orders o WHERE o.id = p.order_id;
