-- +goose Up
-- Kind otomax (issue 21): Kios buys from an Otomax/IRS center "via IP". Its replies are free text
-- read with the operator's regular expressions, kept per supplier as JSON (reply_patterns;
-- empty: the defaults of client/otomax).
ALTER TABLE suppliers DROP CONSTRAINT suppliers_kind_check;
ALTER TABLE suppliers ADD CONSTRAINT suppliers_kind_check
    CHECK (kind IN ('basstore', 'digiswitch', 'simulator', 'digiflazz', 'otomax'));
ALTER TABLE suppliers ADD COLUMN reply_patterns TEXT NOT NULL DEFAULT '';

-- A reseller's Otomax "via IP" credentials: the PIN its sign covers (sealed, like api keys: the
-- server needs it in clear to compute the sign) and whether the center takes pin and password
-- in the query as well.
CREATE TABLE reseller_otomax (
    reseller_id BIGINT  PRIMARY KEY REFERENCES resellers (id),
    pin         TEXT    NOT NULL,
    plain       BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at  BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE reseller_otomax;
ALTER TABLE suppliers DROP COLUMN reply_patterns;
ALTER TABLE suppliers DROP CONSTRAINT suppliers_kind_check;
ALTER TABLE suppliers ADD CONSTRAINT suppliers_kind_check
    CHECK (kind IN ('basstore', 'digiswitch', 'simulator', 'digiflazz'));
