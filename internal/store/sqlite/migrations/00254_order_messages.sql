-- +goose Up
-- Issue 22, fewer bytes per order: a final order's message is often one many orders share
-- ("Transaksi sukses", about 28 bytes of a settled order on SQLite). As with order_labels
-- (migration 00252), such a message is one immutable row here and the order keeps its id
-- (message_id) with an empty text. Only a message seen before is labelled (store.messageLabel):
-- one naming its own SN or balance stays in its order's row, where it costs no more than
-- before. An order without message_id keeps its own text, so nothing is rewritten; a pending
-- order's message (OrderSetMessage) is always its own.
CREATE TABLE order_messages (
    id      INTEGER PRIMARY KEY,
    message TEXT NOT NULL,
    CONSTRAINT order_messages_key UNIQUE (message)
);
ALTER TABLE orders ADD COLUMN message_id INTEGER;

-- +goose Down
UPDATE orders SET message = (SELECT m.message FROM order_messages m WHERE m.id = orders.message_id)
    WHERE message_id IS NOT NULL;
ALTER TABLE orders DROP COLUMN message_id;
DROP TABLE order_messages;
