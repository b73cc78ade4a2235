-- The same schema as internal/store/sqlite/migrations/00225_product_destination.sql (text columns bytewise, 64-bit integers).
-- +goose Up
-- Per product (issue 19): the destination's fields and how they are joined
-- ("{user_id:User ID}({zone_id:Zone ID})"), and what the joined destination must match
-- (a regular expression); empty means one ID or number. Carried by the catalog CSV.
ALTER TABLE products ADD COLUMN dest_format TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN dest_pattern TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE products DROP COLUMN dest_pattern;
ALTER TABLE products DROP COLUMN dest_format;
