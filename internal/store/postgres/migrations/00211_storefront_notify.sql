-- The same schema as internal/store/sqlite/migrations/00211_storefront_notify.sql (text columns bytewise, 64-bit integers).
-- +goose Up
-- The last status of each storefront invoice its buyer was told of (issue 19's notifier): an
-- invoice whose status differs is told again, so a message lost to a crash or an unreachable
-- WhatsApp gateway is sent on the next round (at least once).
ALTER TABLE shop_invoices ADD COLUMN notified TEXT COLLATE "C" NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE shop_invoices DROP COLUMN notified;
