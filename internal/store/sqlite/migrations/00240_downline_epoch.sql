-- +goose Up
-- The downline tree moves the resellers counter, like the resellers and their allowlists: the
-- servers cache which resellers have an upline (and so whether an order's price needs the tree
-- and its settlement the commissions) against that counter, and a change made by any process
-- must reach every server's cache (issue 23).
-- +goose StatementBegin
CREATE TRIGGER downlines_epoch_insert AFTER INSERT ON downlines
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'resellers'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER downlines_epoch_update AFTER UPDATE ON downlines
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'resellers'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER downlines_epoch_delete AFTER DELETE ON downlines
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'resellers'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER downline_markups_epoch_insert AFTER INSERT ON downline_markups
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'resellers'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER downline_markups_epoch_update AFTER UPDATE ON downline_markups
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'resellers'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER downline_markups_epoch_delete AFTER DELETE ON downline_markups
BEGIN UPDATE kios_epochs SET value = value + 1 WHERE name = 'resellers'; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER downline_markups_epoch_delete;
DROP TRIGGER downline_markups_epoch_update;
DROP TRIGGER downline_markups_epoch_insert;
DROP TRIGGER downlines_epoch_delete;
DROP TRIGGER downlines_epoch_update;
DROP TRIGGER downlines_epoch_insert;
