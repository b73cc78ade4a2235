-- +goose Up
-- Archival (issue 22 item 2, kios archive): final orders older than a cut move, with their
-- attempts and postings, out of the live database in batches, into an archive (a SQLite file)
-- or nowhere (--drop). An archive is one row here; its batches are counted so that rows an
-- interrupted batch left in the file can be told from what the live database gave up.
-- ledger_archived is each account's checkpoint at the cut, per archive: the sum of its archived
-- postings (in minus out), how many there were and a hash over them (the sum, modulo 2^256, of
-- each posting's SHA-256). The live ledger balances as these sums plus the live postings; the
-- archive is verified against them (kios ledger check --archive FILE). docs/OPERATIONS.md.
CREATE TABLE archives (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    target     TEXT    NOT NULL,
    cut        BIGINT  NOT NULL,
    batches    BIGINT  NOT NULL DEFAULT 0,
    orders     BIGINT  NOT NULL DEFAULT 0,
    postings   BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE TABLE ledger_archived (
    archive_id BIGINT NOT NULL REFERENCES archives (id),
    account_id BIGINT NOT NULL,
    balance    BIGINT NOT NULL,
    postings   BIGINT NOT NULL,
    hash       TEXT   NOT NULL,
    PRIMARY KEY (archive_id, account_id)
);

-- +goose Down
DROP TABLE ledger_archived;
DROP TABLE archives;
