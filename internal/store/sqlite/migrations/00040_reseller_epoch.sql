-- +goose Up
-- A counter that changes whenever any reseller or allowlist row does. Servers cache
-- authenticated resellers and check this one row per request instead of re-reading the reseller:
-- a suspension or token rotation made by another process (the CLI, another node, an operator's
-- SQL) is seen by the very next request. Triggers keep it exact whoever writes.
CREATE TABLE kios_epochs (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO kios_epochs (name, value) VALUES ('resellers', 0);

-- +goose StatementBegin
CREATE TRIGGER resellers_epoch_insert AFTER INSERT ON resellers
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'resellers'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER resellers_epoch_update AFTER UPDATE ON resellers
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'resellers'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER resellers_epoch_delete AFTER DELETE ON resellers
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'resellers'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reseller_ips_epoch_insert AFTER INSERT ON reseller_ips
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'resellers'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reseller_ips_epoch_update AFTER UPDATE ON reseller_ips
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'resellers'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reseller_ips_epoch_delete AFTER DELETE ON reseller_ips
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'resellers'; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER reseller_ips_epoch_delete;
DROP TRIGGER reseller_ips_epoch_update;
DROP TRIGGER reseller_ips_epoch_insert;
DROP TRIGGER resellers_epoch_delete;
DROP TRIGGER resellers_epoch_update;
DROP TRIGGER resellers_epoch_insert;
DROP TABLE kios_epochs;
