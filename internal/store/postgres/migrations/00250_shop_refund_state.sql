-- The same schema as internal/store/sqlite/migrations/00250_shop_refund_state.sql (text columns bytewise, 64-bit integers).
-- +goose Up
-- A failed storefront invoice's refund through its gateway's refund API (issue 19): '' not asked
-- yet, 'pending' accepted by the gateway and asked again until done, 'refused' the gateway cannot
-- (the operator pays back by hand), 'none' the gateway has no refund API, 'done' refunded through
-- it; refund_ref is the gateway's id of the refund.
ALTER TABLE shop_invoices ADD COLUMN refund_state TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE shop_invoices ADD COLUMN refund_ref TEXT COLLATE "C" NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE shop_invoices DROP COLUMN refund_ref;
ALTER TABLE shop_invoices DROP COLUMN refund_state;
