-- +goose Up
-- The operator prefix table: a pulsa or data variant whose product's brand is an operator here
-- sells only to numbers starting with one of its prefixes (core/prefix.go). Seeded with the
-- mobile operators' published prefixes; the operator edits it with `kios prefix`.
CREATE TABLE operator_prefixes (
    prefix   TEXT NOT NULL PRIMARY KEY,
    operator TEXT NOT NULL
);
INSERT INTO operator_prefixes (prefix, operator) VALUES
    ('0811', 'TELKOMSEL'),
    ('0812', 'TELKOMSEL'),
    ('0813', 'TELKOMSEL'),
    ('0821', 'TELKOMSEL'),
    ('0822', 'TELKOMSEL'),
    ('0823', 'TELKOMSEL'),
    ('0851', 'TELKOMSEL'),
    ('0852', 'TELKOMSEL'),
    ('0853', 'TELKOMSEL'),
    ('0814', 'INDOSAT'),
    ('0815', 'INDOSAT'),
    ('0816', 'INDOSAT'),
    ('0855', 'INDOSAT'),
    ('0856', 'INDOSAT'),
    ('0857', 'INDOSAT'),
    ('0858', 'INDOSAT'),
    ('0817', 'XL'),
    ('0818', 'XL'),
    ('0819', 'XL'),
    ('0859', 'XL'),
    ('0877', 'XL'),
    ('0878', 'XL'),
    ('0831', 'AXIS'),
    ('0832', 'AXIS'),
    ('0833', 'AXIS'),
    ('0838', 'AXIS'),
    ('0895', 'TRI'),
    ('0896', 'TRI'),
    ('0897', 'TRI'),
    ('0898', 'TRI'),
    ('0899', 'TRI'),
    ('0881', 'SMARTFREN'),
    ('0882', 'SMARTFREN'),
    ('0883', 'SMARTFREN'),
    ('0884', 'SMARTFREN'),
    ('0885', 'SMARTFREN'),
    ('0886', 'SMARTFREN'),
    ('0887', 'SMARTFREN'),
    ('0888', 'SMARTFREN'),
    ('0889', 'SMARTFREN');

-- +goose Down
DROP TABLE operator_prefixes;
