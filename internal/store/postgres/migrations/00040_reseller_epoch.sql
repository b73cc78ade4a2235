-- +goose Up
-- A counter that changes whenever any reseller or allowlist row does. Servers cache
-- authenticated resellers and check this one row per request instead of re-reading the reseller:
-- a suspension or token rotation made by another process (the CLI, another node, an operator's
-- SQL) is seen by the very next request. Triggers keep it exact whoever writes.
CREATE TABLE kios_epochs (
    name  TEXT COLLATE "C" PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO kios_epochs (name, value) VALUES ('resellers', 0);

-- +goose StatementBegin
CREATE FUNCTION kios_bump_reseller_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE kios_epochs SET value = value + 1 WHERE name = 'resellers';
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER resellers_epoch AFTER INSERT OR UPDATE OR DELETE ON resellers
    FOR EACH STATEMENT EXECUTE FUNCTION kios_bump_reseller_epoch();
CREATE TRIGGER reseller_ips_epoch AFTER INSERT OR UPDATE OR DELETE ON reseller_ips
    FOR EACH STATEMENT EXECUTE FUNCTION kios_bump_reseller_epoch();

-- +goose Down
DROP TRIGGER reseller_ips_epoch ON reseller_ips;
DROP TRIGGER resellers_epoch ON resellers;
DROP FUNCTION kios_bump_reseller_epoch();
DROP TABLE kios_epochs;
