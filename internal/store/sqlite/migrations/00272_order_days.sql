-- +goose Up
-- Issue 22, fewer bytes per order: orders_day (an index of every order by its day) cost 12.5
-- bytes an order (dbstat, 500,000 orders) to serve five reports only: SalesByDay and
-- ProductSales (store/admin.go), the two queries of DownlineReport (store/downline_report.go)
-- and MarginReport (store/margin.go). Order ids rise with time, so a day's orders lie between
-- its lowest and highest id: order_days keeps that range, one row a day, and those reports add
-- `o.id BETWEEN` the range of their days (store.orderDaysRange, Dialect.OrderDays), which SQLite
-- reads as a rowid range of orders instead of the whole table. They keep their `day` conditions,
-- so orders whose ids interleave across a day's boundary (accepted around midnight, or under
-- another clock) are still counted on their own day only: a range only has to cover its day.
-- PostgreSQL keeps orders_day instead (its 00272 is empty): a row a day, rewritten by every
-- order insert, would make all the nodes' order transactions wait on one another.
CREATE TABLE order_days (
    day INTEGER PRIMARY KEY, -- days since 1970-01-01, as orders.day
    lo  INTEGER NOT NULL,    -- the lowest id of an order of that day
    hi  INTEGER NOT NULL     -- the highest
) WITHOUT ROWID;
INSERT INTO order_days (day, lo, hi) SELECT day, MIN(id), MAX(id) FROM orders GROUP BY day;
-- Every new order widens its day's range: one small row rewritten per order, in the order's
-- own transaction.
-- +goose StatementBegin
CREATE TRIGGER orders_days_insert AFTER INSERT ON orders BEGIN
    INSERT INTO order_days (day, lo, hi) VALUES (NEW.day, NEW.id, NEW.id)
        ON CONFLICT (day) DO UPDATE SET lo = MIN(lo, excluded.lo), hi = MAX(hi, excluded.hi);
END;
-- +goose StatementEnd
-- Kios never changes an order's day (orders.go's updates set status, cost and messages only);
-- an operator's hand edit would, and then the order's new day covers it too. Its old day's range
-- stays as wide as it was: a range wider than its day's orders reads a few more rows, no wrong
-- ones. (UPDATE OF day: statements that do not set day do not run it.)
-- +goose StatementBegin
CREATE TRIGGER orders_days_update AFTER UPDATE OF day ON orders BEGIN
    INSERT INTO order_days (day, lo, hi) VALUES (NEW.day, NEW.id, NEW.id)
        ON CONFLICT (day) DO UPDATE SET lo = MIN(lo, excluded.lo), hi = MAX(hi, excluded.hi);
END;
-- +goose StatementEnd
DROP INDEX orders_day;

-- +goose Down
CREATE INDEX orders_day ON orders (day);
DROP TRIGGER orders_days_update;
DROP TRIGGER orders_days_insert;
DROP TABLE order_days;
