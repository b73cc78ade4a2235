-- +goose Up
-- A failed storefront invoice's refund through its gateway's refund API (issue 19): '' not asked
-- yet, 'pending' accepted by the gateway and asked again until done, 'refused' the gateway cannot
-- (the operator pays back by hand), 'none' the gateway has no refund API, 'done' refunded through
-- it; refund_ref is the gateway's id of the refund.
ALTER TABLE shop_invoices ADD COLUMN refund_state TEXT NOT NULL DEFAULT '';
ALTER TABLE shop_invoices ADD COLUMN refund_ref TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE shop_invoices DROP COLUMN refund_ref;
ALTER TABLE shop_invoices DROP COLUMN refund_state;
