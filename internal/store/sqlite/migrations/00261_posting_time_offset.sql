-- +goose Up
-- Issue 22, fewer bytes per order: an order's posting keeps its time as microseconds since its
-- order's created_at (a hold, made with its order, 0; a settlement a few digits) instead of a
-- whole timestamp, about 16 bytes of a settled order's two postings on SQLite. Postings without
-- an order keep the time itself. Read as p.created_at + COALESCE(o.created_at, 0) joined to the
-- order (store.postingAt), so a posting whose order row is missing reads as before; the rows
-- already written are turned into offsets here.
UPDATE postings SET created_at = created_at - (SELECT o.created_at FROM orders o WHERE o.id = postings.order_id)
WHERE order_id IS NOT NULL AND EXISTS (SELECT 1 FROM orders o WHERE o.id = postings.order_id);

-- +goose Down
UPDATE postings SET created_at = created_at + (SELECT o.created_at FROM orders o WHERE o.id = postings.order_id)
WHERE order_id IS NOT NULL AND EXISTS (SELECT 1 FROM orders o WHERE o.id = postings.order_id);
