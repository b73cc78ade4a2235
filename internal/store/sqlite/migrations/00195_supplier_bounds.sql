-- +goose Up
-- Each supplier's bound on requests in flight at once and on requests per second (0: no rate
-- limit): beyond them orders wait in the jobs table, not in memory (docs/FULFILMENT.md).
ALTER TABLE suppliers ADD COLUMN max_inflight INTEGER NOT NULL DEFAULT 1000;
ALTER TABLE suppliers ADD COLUMN rate REAL NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE suppliers DROP COLUMN rate;
ALTER TABLE suppliers DROP COLUMN max_inflight;
