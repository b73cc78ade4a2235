-- +goose Up
-- Issue 22, fewer bytes per order: an attempt keeps its created_at and updated_at as
-- microseconds since its order's created_at (see the SQLite twin; PostgreSQL keeps the same
-- encoding so that both backends share the statements). The attempt log keeps whole times.
UPDATE attempts a SET created_at = a.created_at - o.created_at, updated_at = a.updated_at - o.created_at
FROM orders o WHERE o.id = a.order_id;

-- +goose Down
UPDATE attempts a SET created_at = a.created_at + o.created_at, updated_at = a.updated_at + o.created_at
FROM orders o WHERE o.id = a.order_id;
