-- +goose Up
-- Balance slots (issue 23, docs/ARCHITECTURE.md "One hot reseller"): a reseller with slots > 0 has
-- that many more pairs of accounts (reseller:ID:available:S and reseller:ID:held:S, S = 1..slots),
-- each pair its own lock domain, so that several write loops take its orders' holds at once. An
-- order held in slot S records it (NULL: slot 0, the reseller's own two accounts), so that its
-- settlement moves the same slot's money under the same key.
ALTER TABLE resellers ADD COLUMN slots INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN slot INTEGER;
-- A reseller's balance is the sum of its slots' accounts.
CREATE INDEX accounts_reseller ON accounts (reseller_id, kind) WHERE reseller_id IS NOT NULL;

-- +goose Down
DROP INDEX accounts_reseller;
ALTER TABLE orders DROP COLUMN slot;
ALTER TABLE resellers DROP COLUMN slots;
