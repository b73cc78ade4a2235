-- +goose Up
-- Issue 22, fewer bytes per order: every order repeated what it was sold as, the variant code,
-- the product name and the dialect it came in by (about 40 bytes of a settled order's 550 on
-- SQLite). Those three are now one immutable row here, shared by every order sold under the
-- same names, and a new order keeps its id (label_id) with empty texts. A label is never changed
-- nor deleted: a product renamed in the catalog gets a new label for its next orders, and the
-- orders sold before keep showing the names they were sold under.
--
-- An order without a label (label_id NULL: every order before this migration, and any whose
-- label the writer could not take) keeps its own texts, so nothing is rewritten here and the
-- readers take the label's texts when there is one (store.orderCols). label_id names no foreign
-- key: a label is never deleted, and on PostgreSQL the key's check would share-lock the one
-- label row that every order of a popular variant names.
CREATE TABLE order_labels (
    id           INTEGER PRIMARY KEY,
    variant_code TEXT NOT NULL,
    product_name TEXT NOT NULL,
    dialect      TEXT NOT NULL,
    CONSTRAINT order_labels_key UNIQUE (variant_code, product_name, dialect)
);
ALTER TABLE orders ADD COLUMN label_id INTEGER;

-- +goose Down
UPDATE orders SET variant_code = (SELECT l.variant_code FROM order_labels l WHERE l.id = orders.label_id),
    product_name = (SELECT l.product_name FROM order_labels l WHERE l.id = orders.label_id),
    dialect = (SELECT l.dialect FROM order_labels l WHERE l.id = orders.label_id)
    WHERE label_id IS NOT NULL;
ALTER TABLE orders DROP COLUMN label_id;
DROP TABLE order_labels;
