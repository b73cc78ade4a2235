-- +goose Up
-- Orders and postings partitioned by month (issue 22; docs/OPERATIONS.md, "Partitions"), so that
-- archiving a month gives its orders and postings up by detaching two tables instead of
-- deleting millions of rows (which leaves dead tuples for autovacuum and bloats the indexes).
--
-- The partition key is the order's id, not its time: every lookup by id (the worker, settlement,
-- callbacks) then reaches one partition, and the primary key and the foreign keys that name
-- orders (attempts, bill_inquiries, order_commissions, order_flags, text_orders) stay as they
-- are. Ids are drawn per WIB month from a block of their own: an order of December 2026 has an
-- id from 2026120000000001 up (yyyymm × 10^10, at most 10^10 orders a month; the largest, in
-- year 9007, is still exact in a JSON number). kios_order_id() moves to the month's block once
-- its partition exists; until then ids stay in the previous month's block, so an insert never
-- finds no partition. Partitions are made three months ahead (kios_ensure_months, run here,
-- when a server starts and with each incremental ledger check).
--
-- Postings are partitioned by their order's id, so an order's postings share its month even
-- when it settles after midnight on the last day, and a month's postings are all of that month's
-- orders. Postings of no order (deposits, transfers, adjustments: order_id NULL) go to the default
-- partition, which stays live.
--
-- A partitioned table's unique keys must contain the partition key: UNIQUE (reseller_id,
-- reference) could only hold within a month. The reference guard moves to order_refs, one row
-- per live order, kept by two triggers, so the store's INSERT … ON CONFLICT DO NOTHING keeps
-- its meaning (no row: the reference was taken). Each month's partition keeps unique indexes on
-- (invoice) and (reseller_id, reference) of its own: an invoice carries its day, and the
-- lookups by reference use them.
--
-- Existing rows are not copied: the current tables become partitions (orders_legacy for every
-- id below this month's block, postings_other as the default), which costs one scan of each to
-- validate, and the references of the live orders are copied into order_refs.

-- +goose StatementBegin
CREATE FUNCTION kios_month_base(m integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT m::bigint * 10000000000
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION kios_month_after(m integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN m % 100 = 12 THEN m + 89 ELSE m + 1 END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION kios_month_now() RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT to_char(now() AT TIME ZONE 'Asia/Jakarta', 'YYYYMM')::integer
$$;
-- +goose StatementEnd

-- The partitions of month m (orders_pYYYYMM, postings_pYYYYMM), unless they exist. Nodes may
-- run it at once: they take turns under a transaction lock.
-- +goose StatementBegin
CREATE FUNCTION kios_ensure_month(m integer) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    o text := 'orders_p' || m;
    p text := 'postings_p' || m;
    lo bigint := kios_month_base(m);
    hi bigint := kios_month_base(kios_month_after(m));
BEGIN
    IF to_regclass(o) IS NOT NULL AND to_regclass(p) IS NOT NULL THEN
        RETURN false;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('kios_ensure_month'));
    IF to_regclass(o) IS NOT NULL AND to_regclass(p) IS NOT NULL THEN
        RETURN false;
    END IF;
    -- Postings first: kios_order_id moves into the month once its orders partition exists.
    IF to_regclass(p) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF postings FOR VALUES FROM (%s) TO (%s)', p, lo, hi);
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (id)', p, p || '_pkey');
    END IF;
    IF to_regclass(o) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF orders FOR VALUES FROM (%s) TO (%s)', o, lo, hi);
        EXECUTE format('CREATE UNIQUE INDEX %I ON %I (invoice)', o || '_invoice', o);
        EXECUTE format('CREATE UNIQUE INDEX %I ON %I (reseller_id, reference)', o || '_reference', o);
    END IF;
    RETURN true;
END;
$$;
-- +goose StatementEnd

-- The partitions of this month and the ahead months after it; how many were made.
-- +goose StatementBegin
CREATE FUNCTION kios_ensure_months(ahead integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    m integer := kios_month_now();
    made integer := 0;
BEGIN
    FOR i IN 0..ahead LOOP
        IF kios_ensure_month(m) THEN
            made := made + 1;
        END IF;
        m := kios_month_after(m);
    END LOOP;
    RETURN made;
END;
$$;
-- +goose StatementEnd

-- A new order's id: from this month's block once its partition exists. The lock is taken only
-- at the month's first order (and released at once, so no order transaction waits on another):
-- the first caller moves the sequence into the block, the others find it moved.
-- +goose StatementBegin
CREATE FUNCTION kios_order_id() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    m integer := kios_month_now();
    base bigint := kios_month_base(m);
    v bigint;
BEGIN
    v := nextval('orders_id_seq');
    IF v >= base OR to_regclass('orders_p' || m) IS NULL THEN
        RETURN v;
    END IF;
    PERFORM pg_advisory_lock(hashtext('kios_order_id'));
    v := nextval('orders_id_seq');
    IF v < base THEN
        PERFORM setval('orders_id_seq', base + 1);
        v := base + 1;
    END IF;
    PERFORM pg_advisory_unlock(hashtext('kios_order_id'));
    RETURN v;
END;
$$;
-- +goose StatementEnd

-- The reference guard (order_refs) before an order goes in. A reference another order holds
-- skips the row (RETURN NULL), as the unique key's ON CONFLICT DO NOTHING did: a concurrent
-- insert of the same reference waits for the first transaction, and skips once it committed.
-- A guard row with no order is this transaction's own, left by an insert that an invoice clash
-- skipped (the store draws a fresh invoice and inserts again): it is taken over.
-- +goose StatementBegin
CREATE FUNCTION kios_order_ref() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_refs (reseller_id, reference) VALUES (NEW.reseller_id, NEW.reference) ON CONFLICT DO NOTHING;
    IF FOUND THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM orders WHERE reseller_id = NEW.reseller_id AND reference = NEW.reference) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION kios_order_unref() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM order_refs WHERE reseller_id = OLD.reseller_id AND reference = OLD.reference;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- Orders: the table becomes orders_legacy, the partition of every id below this month's block.
ALTER TABLE orders RENAME TO orders_legacy;
ALTER TABLE orders_legacy RENAME CONSTRAINT orders_pkey TO orders_legacy_pkey;
ALTER TABLE orders_legacy RENAME CONSTRAINT orders_invoice_key TO orders_legacy_invoice;
ALTER TABLE orders_legacy RENAME CONSTRAINT orders_reseller_id_reference_key TO orders_legacy_reference;
ALTER INDEX orders_bill_ref RENAME TO orders_legacy_bill_ref;
ALTER INDEX orders_reseller RENAME TO orders_legacy_reseller;
ALTER INDEX orders_pending RENAME TO orders_legacy_pending;
ALTER INDEX orders_pending_reseller RENAME TO orders_legacy_pending_reseller;
ALTER INDEX orders_day RENAME TO orders_legacy_day;
ALTER TABLE orders_legacy ALTER COLUMN id DROP IDENTITY;
CREATE SEQUENCE orders_id_seq;
SELECT setval('orders_id_seq', COALESCE((SELECT MAX(id) FROM orders_legacy), 0) + 1, false);

CREATE TABLE orders (LIKE orders_legacy INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (id);
ALTER SEQUENCE orders_id_seq OWNED BY orders.id;
ALTER TABLE orders ALTER COLUMN id SET DEFAULT kios_order_id();
ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
ALTER TABLE orders ADD CONSTRAINT orders_reseller_id_fkey FOREIGN KEY (reseller_id) REFERENCES resellers(id);
ALTER TABLE orders ADD CONSTRAINT orders_variant_id_fkey FOREIGN KEY (variant_id) REFERENCES variants(id);
-- The same definitions as the legacy table's, which ATTACH then adopts instead of building anew.
CREATE INDEX orders_bill_ref ON orders (bill_ref) WHERE bill_ref <> '';
CREATE INDEX orders_reseller ON orders (reseller_id, id);
CREATE INDEX orders_pending ON orders (id) WHERE status = 'Pending';
CREATE INDEX orders_pending_reseller ON orders (reseller_id, id) WHERE status = 'Pending';
CREATE INDEX orders_day ON orders (day);

-- +goose StatementBegin
DO $$
BEGIN
    EXECUTE format('ALTER TABLE orders ATTACH PARTITION orders_legacy FOR VALUES FROM (MINVALUE) TO (%s)',
        kios_month_base(kios_month_now()));
END;
$$;
-- +goose StatementEnd

-- The tables that name an order now name the partitioned table.
ALTER TABLE attempts DROP CONSTRAINT attempts_order_id_fkey;
ALTER TABLE attempts ADD CONSTRAINT attempts_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders(id);
ALTER TABLE bill_inquiries DROP CONSTRAINT bill_inquiries_order_id_fkey;
ALTER TABLE bill_inquiries ADD CONSTRAINT bill_inquiries_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders(id);
ALTER TABLE order_flags DROP CONSTRAINT order_flags_order_id_fkey;
ALTER TABLE order_flags ADD CONSTRAINT order_flags_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders(id);
ALTER TABLE text_orders DROP CONSTRAINT text_orders_order_id_fkey;
ALTER TABLE text_orders ADD CONSTRAINT text_orders_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders(id);
ALTER TABLE order_commissions DROP CONSTRAINT order_commissions_order_id_fkey;
ALTER TABLE order_commissions ADD CONSTRAINT order_commissions_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders(id);

CREATE TABLE order_refs (
    reseller_id BIGINT NOT NULL,
    reference TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (reseller_id, reference)
);
INSERT INTO order_refs (reseller_id, reference) SELECT reseller_id, reference FROM orders_legacy;
CREATE TRIGGER orders_ref BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION kios_order_ref();
CREATE TRIGGER orders_unref AFTER DELETE ON orders FOR EACH ROW EXECUTE FUNCTION kios_order_unref();

-- Postings: the table becomes postings_other, the default partition (postings of no order, and
-- of the legacy orders); its check tells PostgreSQL that no month's postings are in it, so
-- making a month's partition does not scan it.
ALTER TABLE postings RENAME TO postings_other;
ALTER TABLE postings_other RENAME CONSTRAINT postings_pkey TO postings_other_pkey;
ALTER INDEX postings_source RENAME TO postings_other_source;
ALTER INDEX postings_destination RENAME TO postings_other_destination;
ALTER INDEX postings_txn RENAME TO postings_other_txn;
ALTER INDEX postings_order RENAME TO postings_other_order;
ALTER TABLE postings_other ALTER COLUMN id DROP IDENTITY;
CREATE SEQUENCE postings_id_seq;
SELECT setval('postings_id_seq', COALESCE((SELECT MAX(id) FROM postings_other), 0) + 1, false);

CREATE TABLE postings (LIKE postings_other INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (order_id);
ALTER SEQUENCE postings_id_seq OWNED BY postings.id;
ALTER TABLE postings ALTER COLUMN id SET DEFAULT nextval('postings_id_seq');
ALTER TABLE postings ADD CONSTRAINT postings_source_fkey FOREIGN KEY (source) REFERENCES accounts(id);
ALTER TABLE postings ADD CONSTRAINT postings_destination_fkey FOREIGN KEY (destination) REFERENCES accounts(id);
CREATE INDEX postings_source ON postings (source);
CREATE INDEX postings_destination ON postings (destination);
CREATE INDEX postings_txn ON postings (txn) WHERE txn IS NOT NULL;
CREATE INDEX postings_order ON postings (order_id, kind) WHERE order_id IS NOT NULL;

-- +goose StatementBegin
DO $$
BEGIN
    EXECUTE format('ALTER TABLE postings_other ADD CONSTRAINT postings_other_months CHECK (order_id IS NULL OR order_id < %s)',
        kios_month_base(kios_month_now()));
END;
$$;
-- +goose StatementEnd
ALTER TABLE postings ATTACH PARTITION postings_other DEFAULT;

SELECT kios_ensure_months(2);

-- +goose Down
-- +goose StatementBegin
DO $$
BEGIN
    RAISE EXCEPTION 'migration 00271 (partitions) does not go down: copy the data out instead';
END;
$$;
-- +goose StatementEnd
