-- +goose Up
-- A second counter, for the catalog: it changes whenever a product, a variant's terms (not its
-- stock, which orders change all day) or a price does. Order acceptance caches the variants it
-- reads and checks this row with the resellers' one; a process reads both again after a change
-- of its own, and otherwise at most every millisecond, so a change made elsewhere (the CLI,
-- another node, an operator's SQL) applies within that. Triggers keep it exact whoever writes.
INSERT INTO kios_epochs (name, value) VALUES ('catalog', 0);

-- +goose StatementBegin
CREATE FUNCTION kios_bump_catalog_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE kios_epochs SET value = value + 1 WHERE name = 'catalog';
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER products_epoch AFTER INSERT OR UPDATE OR DELETE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION kios_bump_catalog_epoch();
CREATE TRIGGER variants_epoch AFTER INSERT OR DELETE OR UPDATE OF product_id, code, name, kind, type, description,
    active, unlimited_stock, multi, cutoff_start, cutoff_end, process_duration, admin, commission ON variants
    FOR EACH STATEMENT EXECUTE FUNCTION kios_bump_catalog_epoch();
CREATE TRIGGER variant_prices_epoch AFTER INSERT OR UPDATE OR DELETE ON variant_prices
    FOR EACH STATEMENT EXECUTE FUNCTION kios_bump_catalog_epoch();

-- +goose Down
DROP TRIGGER variant_prices_epoch ON variant_prices;
DROP TRIGGER variants_epoch ON variants;
DROP TRIGGER products_epoch ON products;
DROP FUNCTION kios_bump_catalog_epoch();
DELETE FROM kios_epochs WHERE name = 'catalog';
