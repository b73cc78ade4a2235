-- +goose Up
-- The downline tree moves the resellers counter, like the resellers and their allowlists: the
-- servers cache which resellers have an upline (and so whether an order's price needs the tree
-- and its settlement the commissions) against that counter, and a change made by any process
-- must reach every server's cache (issue 23).
CREATE TRIGGER downlines_epoch AFTER INSERT OR UPDATE OR DELETE ON downlines
    FOR EACH STATEMENT EXECUTE FUNCTION kios_bump_reseller_epoch();
CREATE TRIGGER downline_markups_epoch AFTER INSERT OR UPDATE OR DELETE ON downline_markups
    FOR EACH STATEMENT EXECUTE FUNCTION kios_bump_reseller_epoch();

-- +goose Down
DROP TRIGGER downline_markups_epoch ON downline_markups;
DROP TRIGGER downlines_epoch ON downlines;
