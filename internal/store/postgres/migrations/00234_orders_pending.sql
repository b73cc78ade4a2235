-- +goose Up
-- Issue 22, fewer bytes per order: orders_status indexed every order by (status, id); the
-- queries it served want the Pending ones, which are few, so two partial indexes hold only
-- those and a final order has no entry in either: orders_pending, the pending orders newest
-- first (OrderList with Status Pending, which names 'Pending' so that the planner may use it);
-- orders_pending_reseller, each reseller's pending total (ledgerCheckHolds) and its pending
-- orders. Listing Success or Failed orders reads the orders newest first and stops at the page's
-- end.
DROP INDEX orders_status;
CREATE INDEX orders_pending ON orders (id) WHERE status = 'Pending';
CREATE INDEX orders_pending_reseller ON orders (reseller_id, id) WHERE status = 'Pending';

-- +goose Down
DROP INDEX orders_pending_reseller;
DROP INDEX orders_pending;
CREATE INDEX orders_status ON orders (status, id);
