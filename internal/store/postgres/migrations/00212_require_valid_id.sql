-- The same schema as internal/store/sqlite/migrations/00212_require_valid_id.sql (text columns bytewise, 64-bit integers).
-- +goose Up
-- Per product (issue 19): when on, an order whose destination the ID check says does not exist
-- is refused before any money is held.
ALTER TABLE products ADD COLUMN require_valid_id BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE products DROP COLUMN require_valid_id;
