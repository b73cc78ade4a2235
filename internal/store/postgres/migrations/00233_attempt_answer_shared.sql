-- +goose Up
-- Issue 22: an attempt whose SN or message is its final order's may keep NULL there, read as the
-- order's (see the SQLite twin). PostgreSQL never writes such a NULL: it would cost a statement
-- per order on the settlement path (issue 23), and the bytes target is SQLite's; the columns only
-- take NULL so that both schemas read alike.
ALTER TABLE attempts ALTER COLUMN sn DROP NOT NULL;
ALTER TABLE attempts ALTER COLUMN message DROP NOT NULL;

-- +goose Down
UPDATE attempts a SET sn = COALESCE(a.sn, o.sn), message = COALESCE(a.message, o.message)
FROM orders o WHERE o.id = a.order_id AND (a.sn IS NULL OR a.message IS NULL);
ALTER TABLE attempts ALTER COLUMN sn SET NOT NULL;
ALTER TABLE attempts ALTER COLUMN message SET NOT NULL;
