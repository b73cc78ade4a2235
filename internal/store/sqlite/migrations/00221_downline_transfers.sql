-- +goose Up
-- Transfers down the tree (issue 21): an upline moves balance to a direct downline. Two steps,
-- each in its own reseller's lock domain (docs/DOWNLINE.md): 'transit' once the upline's
-- available balance has been debited to the downline_transit account (under the upline's key,
-- with a job that lands it), 'done' once the downline's available balance has been credited from
-- it (under the downline's key). The reference makes a transfer idempotent per upline: the same
-- reference again is the same transfer, never a second one.
CREATE TABLE downline_transfers (
    id          INTEGER PRIMARY KEY,
    upline_id   INTEGER NOT NULL REFERENCES resellers (id),
    downline_id INTEGER NOT NULL REFERENCES resellers (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    reference   TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('transit', 'done')),
    actor       TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    landed_at   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (upline_id, reference)
);
CREATE INDEX downline_transfers_downline ON downline_transfers (downline_id, id);

-- +goose Down
DROP TABLE downline_transfers;
