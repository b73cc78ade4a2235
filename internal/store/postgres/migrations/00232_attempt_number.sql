-- +goose Up
-- Issue 22, fewer bytes per order: the reference an attempt was sent upstream under is its
-- order's invoice, '-' and its number, so the row keeps the number and the reference is made
-- from the invoice when read; (order_id, number) is unique instead of the reference, and serves
-- the order's attempts and an attempt by reference (see the SQLite twin). A reference of another
-- form leaves number NULL and SET NOT NULL fails, changing nothing.
ALTER TABLE attempts ADD COLUMN number INTEGER;
UPDATE attempts a SET number = substr(a.reference, length(o.invoice) + 2)::integer
FROM orders o
WHERE o.id = a.order_id AND substr(a.reference, 1, length(o.invoice) + 1) = o.invoice || '-'
    AND substr(a.reference, length(o.invoice) + 2) ~ '^[1-9][0-9]{0,8}$';
ALTER TABLE attempts ALTER COLUMN number SET NOT NULL;
ALTER TABLE attempts ADD CONSTRAINT attempts_number_check CHECK (number > 0);
ALTER TABLE attempts ADD CONSTRAINT attempts_order_number UNIQUE (order_id, number);
DROP INDEX attempts_order;
ALTER TABLE attempts DROP COLUMN reference;

-- +goose Down
ALTER TABLE attempts ADD COLUMN reference TEXT COLLATE "C";
UPDATE attempts a SET reference = o.invoice || '-' || a.number FROM orders o WHERE o.id = a.order_id;
ALTER TABLE attempts ALTER COLUMN reference SET NOT NULL;
ALTER TABLE attempts ADD CONSTRAINT attempts_reference_key UNIQUE (reference);
CREATE INDEX attempts_order ON attempts (order_id);
ALTER TABLE attempts DROP CONSTRAINT attempts_order_number;
ALTER TABLE attempts DROP CONSTRAINT attempts_number_check;
ALTER TABLE attempts DROP COLUMN number;
