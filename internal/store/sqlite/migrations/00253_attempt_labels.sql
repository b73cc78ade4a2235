-- +goose Up
-- Issue 22, fewer bytes per order: every attempt repeated the supplier and SKU it was sent to
-- (about 20 bytes of a settled order on SQLite), a pair that a supplier's price list makes few
-- of. As with order_labels (migration 00252), a pair is one immutable row here, and a new attempt
-- keeps its id (label_id) with empty texts; an attempt without a label keeps its own, so nothing
-- is rewritten. The supplier and SKU are written once, when the attempt is made, and never
-- changed. label_id names no foreign key, for the reason 00252 gives.
CREATE TABLE attempt_labels (
    id       INTEGER PRIMARY KEY,
    supplier TEXT NOT NULL,
    sku      TEXT NOT NULL,
    CONSTRAINT attempt_labels_key UNIQUE (supplier, sku)
);
ALTER TABLE attempts ADD COLUMN label_id INTEGER;

-- +goose Down
UPDATE attempts SET supplier = (SELECT l.supplier FROM attempt_labels l WHERE l.id = attempts.label_id),
    sku = (SELECT l.sku FROM attempt_labels l WHERE l.id = attempts.label_id)
    WHERE label_id IS NOT NULL;
ALTER TABLE attempts DROP COLUMN label_id;
DROP TABLE attempt_labels;
