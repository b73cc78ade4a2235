-- +goose Up
-- A second counter, for the catalog: it changes whenever a product, a variant's terms (not its
-- stock, which orders change all day) or a price does. Order acceptance caches the variants it
-- reads and checks this row with the resellers' one; a process reads both again after a change
-- of its own, and otherwise at most every millisecond, so a change made elsewhere (the CLI,
-- another node, an operator's SQL) applies within that. Triggers keep it exact whoever writes.
INSERT INTO kios_epochs (name, value) VALUES ('catalog', 0);

-- +goose StatementBegin
CREATE TRIGGER products_epoch_insert AFTER INSERT ON products
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER products_epoch_update AFTER UPDATE ON products
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER products_epoch_delete AFTER DELETE ON products
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER variants_epoch_insert AFTER INSERT ON variants
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER variants_epoch_update AFTER UPDATE OF product_id, code, name, kind, type, description, active,
    unlimited_stock, multi, cutoff_start, cutoff_end, process_duration, admin, commission ON variants
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER variants_epoch_delete AFTER DELETE ON variants
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER variant_prices_epoch_insert AFTER INSERT ON variant_prices
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER variant_prices_epoch_update AFTER UPDATE ON variant_prices
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER variant_prices_epoch_delete AFTER DELETE ON variant_prices
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER variant_prices_epoch_delete;
DROP TRIGGER variant_prices_epoch_update;
DROP TRIGGER variant_prices_epoch_insert;
DROP TRIGGER variants_epoch_delete;
DROP TRIGGER variants_epoch_update;
DROP TRIGGER variants_epoch_insert;
DROP TRIGGER products_epoch_delete;
DROP TRIGGER products_epoch_update;
DROP TRIGGER products_epoch_insert;
DELETE FROM kios_epochs WHERE name = 'catalog';
