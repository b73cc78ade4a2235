-- +goose Up
-- Issue 22, fewer bytes per order: an attempt keeps its created_at and updated_at as
-- microseconds since its order's created_at (a few digits each instead of two whole timestamps,
-- about 12 bytes of a settled order on SQLite); read joined to the order (store.attemptTimes).
-- The attempt log keeps whole times. The rows already written are turned into offsets here.
UPDATE attempts SET created_at = created_at - (SELECT o.created_at FROM orders o WHERE o.id = attempts.order_id),
    updated_at = updated_at - (SELECT o.created_at FROM orders o WHERE o.id = attempts.order_id);

-- +goose Down
UPDATE attempts SET created_at = created_at + (SELECT o.created_at FROM orders o WHERE o.id = attempts.order_id),
    updated_at = updated_at + (SELECT o.created_at FROM orders o WHERE o.id = attempts.order_id);
