-- +goose Up
-- Issue 22, fewer bytes per order: an order's day (the Jakarta day it was accepted on) is the
-- number of days since 1970-01-01 instead of its "2006-01-02" text: two or three bytes instead of
-- ten, in the row and in orders_day. Numbers order as the texts did; the store reads and writes
-- the text form (store.dayNumber, store.dayText). SQLite keeps a TEXT column's values as text,
-- so the column is made anew as INTEGER, the rows already written converted.
ALTER TABLE orders ADD COLUMN day_number INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET day_number = CAST(julianday(day) - 2440587.5 AS INTEGER);
DROP INDEX orders_day;
ALTER TABLE orders DROP COLUMN day;
ALTER TABLE orders RENAME COLUMN day_number TO day;
-- orders_day: the dashboard's days (SalesByDay), ProductSales, the margin and downline reports.
CREATE INDEX orders_day ON orders (day);

-- +goose Down
ALTER TABLE orders ADD COLUMN day_text TEXT NOT NULL DEFAULT '';
UPDATE orders SET day_text = date(day * 86400, 'unixepoch');
DROP INDEX orders_day;
ALTER TABLE orders DROP COLUMN day;
ALTER TABLE orders RENAME COLUMN day_text TO day;
CREATE INDEX orders_day ON orders (day);
