-- +goose Up
-- The references operators give manual credits and debits (`kios deposit credit --ref`, the admin
-- API's "reference", the dashboard form's hidden one): a second move under a reference already
-- used for that reseller moves nothing, so a retried command or a resubmitted form cannot credit
-- twice.
CREATE TABLE deposit_refs (
    reseller_id INTEGER NOT NULL REFERENCES resellers (id),
    reference   TEXT    NOT NULL,
    amount      INTEGER NOT NULL,
    credit      BOOLEAN NOT NULL,
    txn         TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (reseller_id, reference)
);

-- +goose Down
DROP TABLE deposit_refs;
