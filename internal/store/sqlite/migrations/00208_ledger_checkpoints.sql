-- +goose Up
-- A ledger checkpoint is the state of a clean ledger check: every account's balance as the sum of
-- its postings up to a horizon (a posting id old enough that no posting below it can still
-- commit), the postings counted, and the orders below an order horizon. The next check verifies
-- only what came after (kios ledger check; --full for the whole history). docs/OPERATIONS.md.
CREATE TABLE ledger_checkpoints (
    id              INTEGER PRIMARY KEY,
    posting_horizon BIGINT  NOT NULL,
    order_horizon   BIGINT  NOT NULL,
    postings        BIGINT  NOT NULL,
    mode            TEXT    NOT NULL,
    took_ms         BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL
);
CREATE TABLE ledger_checkpoint_balances (
    checkpoint_id BIGINT NOT NULL REFERENCES ledger_checkpoints (id) ON DELETE CASCADE,
    account_id    BIGINT NOT NULL,
    balance       BIGINT NOT NULL,
    PRIMARY KEY (checkpoint_id, account_id)
);

-- +goose Down
DROP TABLE ledger_checkpoint_balances;
DROP TABLE ledger_checkpoints;
