-- +goose Up
-- The last status of each storefront invoice its buyer was told of (issue 19's notifier): an
-- invoice whose status differs is told again, so a message lost to a crash or an unreachable
-- WhatsApp gateway is sent on the next round (at least once).
ALTER TABLE shop_invoices ADD COLUMN notified TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE shop_invoices DROP COLUMN notified;
