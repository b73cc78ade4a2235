-- +goose Up
-- What routes an order moves the catalog counter too: the suppliers' products (their variant,
-- cost, priority, active flag), the suppliers' names and enabled flags, and the variants' loss
-- limits. The servers cache each variant's routes and limit against that counter, so a
-- fulfilment pass costs no read of them while nothing changed, and a change made by any process
-- (a sync, a repricing, the CLI on another node) reaches every server's cache (issue 23).
-- A supplier's deposit balance (cek-saldo) is not routing: it does not move the counter.
-- A migration that rebuilds one of these tables (SQLite's way to change a column) drops its
-- triggers with it and must create them again.
-- +goose StatementBegin
CREATE TRIGGER supplier_products_epoch_insert AFTER INSERT ON supplier_products
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER supplier_products_epoch_update AFTER UPDATE ON supplier_products
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER supplier_products_epoch_delete AFTER DELETE ON supplier_products
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER suppliers_epoch_insert AFTER INSERT ON suppliers
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER suppliers_epoch_update AFTER UPDATE OF name, enabled ON suppliers
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER suppliers_epoch_delete AFTER DELETE ON suppliers
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER variant_limits_epoch_insert AFTER INSERT ON variant_limits
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER variant_limits_epoch_update AFTER UPDATE ON variant_limits
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER variant_limits_epoch_delete AFTER DELETE ON variant_limits
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog'; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER variant_limits_epoch_delete;
DROP TRIGGER variant_limits_epoch_update;
DROP TRIGGER variant_limits_epoch_insert;
DROP TRIGGER suppliers_epoch_delete;
DROP TRIGGER suppliers_epoch_update;
DROP TRIGGER suppliers_epoch_insert;
DROP TRIGGER supplier_products_epoch_delete;
DROP TRIGGER supplier_products_epoch_update;
DROP TRIGGER supplier_products_epoch_insert;
