-- +goose Up
-- PostgreSQL partitions orders and postings by month in this version (issue 22, archival as a
-- partition detach). SQLite has no partitions: its archival deletes in batches, and a database
-- file of one node is sized for that (docs/OPERATIONS.md, "Retention and archival"). The empty
-- migration keeps both backends at the same versions (TestMigrationSetsMatch).
SELECT 1;

-- +goose Down
SELECT 1;
