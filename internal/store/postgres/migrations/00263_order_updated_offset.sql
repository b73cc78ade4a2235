-- +goose Up
-- Issue 22, fewer bytes per order: an order keeps its updated_at as microseconds since its
-- created_at (0 until it changes, then a few digits, instead of a whole timestamp); read as
-- created_at + updated_at (store.orderColsOf). The rows already written are turned here.
UPDATE orders SET updated_at = updated_at - created_at;

-- +goose Down
UPDATE orders SET updated_at = updated_at + created_at;
