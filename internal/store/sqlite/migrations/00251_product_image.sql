-- +goose Up
-- A product's image (issue 19): the URL of a picture the store shows beside the product (home and
-- product page), fetched, resized and cached by the store; '' for none. Carried by the catalog CSV's
-- image column, the admin API and the dashboard.
ALTER TABLE products ADD COLUMN image TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE products DROP COLUMN image;
