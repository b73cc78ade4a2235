-- +goose Up
-- What routes an order moves the catalog counter too: the suppliers' products (their variant,
-- cost, priority, active flag), the suppliers' names and enabled flags, and the variants' loss
-- limits. The servers cache each variant's routes and limit against that counter, so a
-- fulfilment pass costs no read of them while nothing changed, and a change made by any process
-- (a sync, a repricing, the CLI on another node) reaches every server's cache (issue 23).
-- A supplier's deposit balance (cek-saldo) is not routing: it does not move the counter.
CREATE TRIGGER supplier_products_epoch AFTER INSERT OR UPDATE OR DELETE ON supplier_products
    FOR EACH STATEMENT EXECUTE FUNCTION kios_bump_catalog_epoch();
CREATE TRIGGER suppliers_epoch AFTER INSERT OR DELETE OR UPDATE OF name, enabled ON suppliers
    FOR EACH STATEMENT EXECUTE FUNCTION kios_bump_catalog_epoch();
CREATE TRIGGER variant_limits_epoch AFTER INSERT OR UPDATE OR DELETE ON variant_limits
    FOR EACH STATEMENT EXECUTE FUNCTION kios_bump_catalog_epoch();

-- +goose Down
DROP TRIGGER variant_limits_epoch ON variant_limits;
DROP TRIGGER suppliers_epoch ON suppliers;
DROP TRIGGER supplier_products_epoch ON supplier_products;
