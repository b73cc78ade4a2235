package core

import (
	"context"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/operator"
	"github.com/kios-h2h/kios/internal/store"
)

// The admins, their sessions and API tokens, and the audit log: package admin works on them
// through these (issue 16 item 2). A change that is audited takes its audit entry and writes it in
// the change's own transaction, so the log cannot miss a change nor record one that did not
// commit.

// AdminByUsername finds an admin by username (operator.ErrNotFound).
func (s *Service) AdminByUsername(ctx context.Context, username string) (*operator.Admin, error) {
	return s.db.AdminUserByUsername(ctx, username)
}

// Admins lists the admins.
func (s *Service) Admins(ctx context.Context) ([]operator.Admin, error) { return s.db.AdminUsers(ctx) }

// AddAdmin creates the admin a (setting its id; operator.ErrTaken for a used username) and writes
// rec with it.
func (s *Service) AddAdmin(ctx context.Context, a operator.Admin, rec audit.Entry) (*operator.Admin, error) {
	var out *operator.Admin
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		u := a
		if err := tx.AdminUserInsert(ctx, &u); err != nil {
			return err
		}
		out = &u
		return tx.AuditInsert(ctx, &rec)
	})
	return out, err
}

// SetAdminPassword sets an admin's password hash (its sessions end) and writes rec with it.
func (s *Service) SetAdminPassword(ctx context.Context, id int64, hash string, rec audit.Entry) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		if err := tx.AdminUserSetPassword(ctx, id, hash); err != nil {
			return err
		}
		return tx.AuditInsert(ctx, &rec)
	})
}

// SetAdminDisabled disables an admin (its sessions end, its tokens stop working) or enables it
// again, and writes rec with it.
func (s *Service) SetAdminDisabled(ctx context.Context, id int64, disabled bool, rec audit.Entry) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		if err := tx.AdminUserSetDisabled(ctx, id, disabled); err != nil {
			return err
		}
		return tx.AuditInsert(ctx, &rec)
	})
}

// OpenAdminSession records an admin's session (by its id's hash) until expires, and writes rec
// (the login) with it.
func (s *Service) OpenAdminSession(ctx context.Context, idHash string, userID int64, expires time.Time, rec audit.Entry) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		if err := tx.AdminSessionInsert(ctx, idHash, userID, expires); err != nil {
			return err
		}
		return tx.AuditInsert(ctx, &rec)
	})
}

// CloseAdminSession ends an admin's session.
func (s *Service) CloseAdminSession(ctx context.Context, idHash string) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.AdminSessionDelete(ctx, idHash) })
}

// AdminSessionUser is the admin of a live session (operator.ErrNotFound when there is none).
func (s *Service) AdminSessionUser(ctx context.Context, idHash string) (*operator.Admin, error) {
	return s.db.AdminSessionUser(ctx, idHash)
}

// AdminTokenByHash finds an API token by its hash (operator.ErrNotFound).
func (s *Service) AdminTokenByHash(ctx context.Context, hash string) (*operator.Token, error) {
	return s.db.AdminTokenByHash(ctx, hash)
}

// AdminTokens lists the API tokens (without secrets).
func (s *Service) AdminTokens(ctx context.Context) ([]operator.Token, error) {
	return s.db.AdminTokens(ctx)
}

// AddAdminToken records the API token t (setting its id) and writes the audit entry rec makes of
// it (it names the new id) in the same transaction.
func (s *Service) AddAdminToken(ctx context.Context, t *operator.Token, rec func(*operator.Token) audit.Entry) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		if err := tx.AdminTokenInsert(ctx, t); err != nil {
			return err
		}
		e := rec(t)
		return tx.AuditInsert(ctx, &e)
	})
}

// RevokeAdminToken deletes an API token and writes rec with it; ErrNotFound when there is no such
// token (and then nothing is written).
func (s *Service) RevokeAdminToken(ctx context.Context, id int64, rec audit.Entry) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		ok, err := tx.AdminTokenDelete(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		return tx.AuditInsert(ctx, &rec)
	})
}

// WriteAudit writes an audit entry for a change committed elsewhere.
func (s *Service) WriteAudit(ctx context.Context, e audit.Entry) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.AuditInsert(ctx, &e) })
}

// AuditLog lists the audit log, newest first.
func (s *Service) AuditLog(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	return s.db.AuditList(ctx, f)
}

// VariantRow reads a variant as the store has it, with no gangguan mark (Variant adds the
// router's).
func (s *Service) VariantRow(ctx context.Context, code string) (*catalog.VariantRow, error) {
	return s.db.VariantByCode(ctx, code)
}

// EditVariants changes variants in one transaction with their audit rows, so that a bulk edit
// lands whole or not at all: for each code in turn, edit changes the variant as read in the
// transaction and returns what makes its audit entry once the variant is saved.
func (s *Service) EditVariants(ctx context.Context, codes []string, edit func(i int, v *catalog.VariantRow) func() audit.Entry) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		for i, code := range codes {
			v, err := tx.VariantByCode(ctx, code)
			if err != nil {
				return fmt.Errorf("variant %s: %w", code, err)
			}
			rec := edit(i, v)
			cv := v.Variant
			if err := tx.VariantUpsert(ctx, &cv); err != nil {
				return err
			}
			e := rec()
			if err := tx.AuditInsert(ctx, &e); err != nil {
				return err
			}
		}
		return nil
	})
}
