package core

import (
	"context"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/supplier"
)

// The reads below are the store's, through the core: the dashboard, the metrics and the CLI read
// what they show through the service, never the store itself.

// Accounts lists all ledger accounts.
func (s *Service) Accounts(ctx context.Context) ([]ledger.Account, error) { return s.db.Accounts(ctx) }

// AccountID returns the id of an existing account.
func (s *Service) AccountID(ctx context.Context, code string) (int64, error) {
	return s.db.AccountID(ctx, code)
}

// AccountBalance returns an account's cached balance, by its code.
func (s *Service) AccountBalance(ctx context.Context, code string) (int64, error) {
	return s.db.Balance(ctx, code)
}

// Postings lists an account's postings, newest first; limit 0 means all.
func (s *Service) Postings(ctx context.Context, code string, limit int) ([]ledger.Posting, error) {
	return s.db.Postings(ctx, code, limit)
}

// ResellerList lists resellers with their balances, by username.
func (s *Service) ResellerList(ctx context.Context) ([]reseller.WithBalance, error) {
	return s.db.ResellerList(ctx)
}

// SupplierMappings tells, per supplier id, how many of its products are mapped to a variant.
func (s *Service) SupplierMappings(ctx context.Context) (map[int64]supplier.Mapping, error) {
	return s.db.SupplierMappings(ctx)
}

// SalesByDay sums non-testing orders per day for days >= since (YYYY-MM-DD), oldest first.
func (s *Service) SalesByDay(ctx context.Context, since string) ([]order.DaySales, error) {
	return s.db.SalesByDay(ctx, since)
}

// OrderCountsBySale counts orders by status, real orders apart from testing ones.
func (s *Service) OrderCountsBySale(ctx context.Context) (real, testing map[order.Status]int64, err error) {
	return s.db.OrderCountsBySale(ctx)
}

// OrderCountsByProduct counts orders by product code and status.
func (s *Service) OrderCountsByProduct(ctx context.Context) ([]order.Count, error) {
	return s.db.OrderCountsByProduct(ctx)
}

// JobCounts counts queued jobs by kind.
func (s *Service) JobCounts(ctx context.Context) (map[string]int64, error) {
	return s.db.JobCounts(ctx)
}

// BalancesOwed is what Kios owes its resellers: the sum of their available and held balances.
func (s *Service) BalancesOwed(ctx context.Context) (int64, error) { return s.db.BalancesOwed(ctx) }

// OrderFlagCount counts the orders flagged flag.
func (s *Service) OrderFlagCount(ctx context.Context, flag string) (int64, error) {
	return s.db.OrderFlagCount(ctx, flag)
}

// ResellerByID finds a reseller by id, with its allowlist.
func (s *Service) ResellerByID(ctx context.Context, id int64) (*reseller.Reseller, error) {
	return s.db.ResellerByID(ctx, id)
}

// Attempts lists an order's attempts, oldest first.
func (s *Service) Attempts(ctx context.Context, orderID int64) ([]order.Attempt, error) {
	return s.db.Attempts(ctx, orderID)
}

// AttemptLog lists every upstream answer about an order's attempts, oldest first.
func (s *Service) AttemptLog(ctx context.Context, orderID int64) ([]order.AttemptLogEntry, error) {
	return s.db.AttemptLog(ctx, orderID)
}

// PostingsByTxnPrefix lists the postings whose txn starts with prefix, in the order they were
// made ("order:INVOICE:" for an order's).
func (s *Service) PostingsByTxnPrefix(ctx context.Context, prefix string) ([]ledger.Posting, error) {
	return s.db.PostingsByTxnPrefix(ctx, prefix)
}
