-- +goose Up
-- A bill is inquired at one supplier under a reference unique across Kios (a reseller's ref_id is
-- unique only per reseller) and must be paid there under that same reference (Digiflazz's and
-- Digiswitch's pay-pasca), so the inquiry records both and its payment's order carries them.
ALTER TABLE bill_inquiries ADD COLUMN supplier TEXT NOT NULL DEFAULT '';
ALTER TABLE bill_inquiries ADD COLUMN upstream_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN bill_supplier TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN bill_ref TEXT NOT NULL DEFAULT '';
-- A biller's callback names the inquiry's reference; only bill payments carry one, so the index
-- costs prepaid orders nothing.
CREATE INDEX orders_bill_ref ON orders (bill_ref) WHERE bill_ref <> '';

-- +goose Down
DROP INDEX orders_bill_ref;
ALTER TABLE orders DROP COLUMN bill_ref;
ALTER TABLE orders DROP COLUMN bill_supplier;
ALTER TABLE bill_inquiries DROP COLUMN upstream_ref;
ALTER TABLE bill_inquiries DROP COLUMN supplier;
