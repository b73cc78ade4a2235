-- +goose Up
-- A variant's own rule on serial numbers (`kios catalog limits --sn-required`), overriding the
-- default by kind (a prepaid variant needs an SN, a postpaid bill payment does not): a supplier's
-- success without the SN a variant needs is asked after for a while (serve --sn-wait), then
-- settled and flagged no_sn.
CREATE TABLE variant_sn (
    variant_id BIGINT  PRIMARY KEY REFERENCES variants (id),
    required   BOOLEAN NOT NULL,
    updated_at BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE variant_sn;
