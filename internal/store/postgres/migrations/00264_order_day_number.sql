-- +goose Up
-- Issue 22, fewer bytes per order: an order's day is the number of days since 1970-01-01
-- instead of its "2006-01-02" text (see the SQLite twin); the store reads and writes the text
-- form. orders_day is rebuilt by the type change.
ALTER TABLE orders ALTER COLUMN day TYPE INTEGER USING (day::date - DATE '1970-01-01');

-- +goose Down
ALTER TABLE orders ALTER COLUMN day TYPE TEXT COLLATE "C" USING to_char(DATE '1970-01-01' + day, 'YYYY-MM-DD');
