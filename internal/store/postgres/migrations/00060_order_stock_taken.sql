-- +goose Up
-- Whether an order took a unit of stock, so that a failure gives back exactly what was taken:
-- the variant's stock setting at settlement may differ from the one at acceptance (unlimited
-- switched to limited while the order was pending must not create a unit). Pending orders from
-- before this column get what acceptance would have done under the variant's current setting.
ALTER TABLE orders ADD COLUMN stock_taken BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE orders SET stock_taken = TRUE
WHERE status = 'Pending' AND NOT testing
  AND variant_id IN (SELECT id FROM variants WHERE NOT unlimited_stock AND kind = 'prepaid');

-- +goose Down
ALTER TABLE orders DROP COLUMN stock_taken;
