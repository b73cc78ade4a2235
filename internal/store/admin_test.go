package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

func TestAdminTables(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		u := &store.AdminUser{Username: "boss", PasswordHash: "$2a$hash"}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.AdminUserInsert(ctx, u) }); err != nil || u.ID == 0 {
			t.Fatalf("insert admin: %v %+v", err, u)
		}
		// A taken name fails alone: the other caller in the same batch still commits.
		var errTaken, errOther error
		done := make(chan struct{})
		go func() {
			errTaken = db.Batch(ctx, func(tx *store.Tx) error {
				return tx.AdminUserInsert(ctx, &store.AdminUser{Username: "boss", PasswordHash: "x"})
			})
			close(done)
		}()
		errOther = db.Batch(ctx, func(tx *store.Tx) error {
			return tx.AdminUserInsert(ctx, &store.AdminUser{Username: "second", PasswordHash: "y"})
		})
		<-done
		if !errors.Is(errTaken, store.ErrAdminTaken) || errOther != nil {
			t.Fatalf("taken: %v, other: %v", errTaken, errOther)
		}
		got, err := db.AdminUserByUsername(ctx, "boss")
		if err != nil || got.PasswordHash != "$2a$hash" || got.Disabled {
			t.Fatalf("get admin: %v %+v", err, got)
		}
		if _, err := db.AdminUserByUsername(ctx, "nobody"); !errors.Is(err, store.ErrAdminNotFound) {
			t.Fatalf("unknown admin: %v", err)
		}
		if us, err := db.AdminUsers(ctx); err != nil || len(us) != 2 {
			t.Fatalf("admins: %v %+v", err, us)
		}

		// Sessions: found while unexpired, gone when expired, deleted, or the password changed.
		now := time.Now()
		err = db.Batch(ctx, func(tx *store.Tx) error {
			if err := tx.AdminSessionInsert(ctx, "live", u.ID, now.Add(time.Hour)); err != nil {
				return err
			}
			if err := tx.AdminSessionInsert(ctx, "other", u.ID, now.Add(time.Hour)); err != nil {
				return err
			}
			return tx.AdminSessionInsert(ctx, "old", u.ID, now.Add(-time.Second))
		})
		if err != nil {
			t.Fatal(err)
		}
		if su, err := db.AdminSessionUser(ctx, "live"); err != nil || su.Username != "boss" {
			t.Fatalf("live session: %v %+v", err, su)
		}
		if _, err := db.AdminSessionUser(ctx, "old"); !errors.Is(err, store.ErrAdminNotFound) {
			t.Fatalf("expired session: %v", err)
		}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.AdminSessionDelete(ctx, "live") }); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AdminSessionUser(ctx, "live"); !errors.Is(err, store.ErrAdminNotFound) {
			t.Fatalf("deleted session: %v", err)
		}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.AdminUserSetPassword(ctx, u.ID, "$2a$new") }); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AdminSessionUser(ctx, "other"); !errors.Is(err, store.ErrAdminNotFound) {
			t.Fatalf("session survived a password change: %v", err)
		}

		// Tokens.
		tok := &store.AdminToken{Name: "cron", TokenHash: "h1", UserID: u.ID}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.AdminTokenInsert(ctx, tok) }); err != nil || tok.ID == 0 {
			t.Fatalf("insert token: %v", err)
		}
		if got, err := db.AdminTokenByHash(ctx, "h1"); err != nil || got.Username != "boss" || got.Name != "cron" {
			t.Fatalf("token: %v %+v", err, got)
		}
		if ts, err := db.AdminTokens(ctx); err != nil || len(ts) != 1 {
			t.Fatalf("tokens: %v %+v", err, ts)
		}
		var deleted bool
		if err := db.Batch(ctx, func(tx *store.Tx) error { deleted, err = tx.AdminTokenDelete(ctx, tok.ID); return err }); err != nil || !deleted {
			t.Fatalf("delete token: %v %v", err, deleted)
		}
		if _, err := db.AdminTokenByHash(ctx, "h1"); !errors.Is(err, store.ErrAdminNotFound) {
			t.Fatalf("deleted token: %v", err)
		}

		// Audit: newest first, filtered by actor, target and action prefix, paged by id.
		err = db.Batch(ctx, func(tx *store.Tx) error {
			for _, e := range []store.AuditEntry{
				{Actor: "boss", Action: "reseller.create", Target: "reseller:a", After: `{"a":1}`},
				{Actor: "boss", Action: "reseller.suspend", Target: "reseller:a", Before: `{"status":"active"}`, After: `{"status":"suspended"}`, IP: "10.0.0.1"},
				{Actor: "ops", Action: "order.resolve", Target: "KIOS-1"},
			} {
				if err := tx.AuditInsert(ctx, &e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		all, err := db.AuditList(ctx, store.AuditFilter{})
		if err != nil || len(all) != 3 || all[0].Action != "order.resolve" {
			t.Fatalf("audit: %v %+v", err, all)
		}
		if l, _ := db.AuditList(ctx, store.AuditFilter{Action: "reseller."}); len(l) != 2 {
			t.Fatalf("by action prefix: %+v", l)
		}
		if l, _ := db.AuditList(ctx, store.AuditFilter{Actor: "ops"}); len(l) != 1 {
			t.Fatalf("by actor: %+v", l)
		}
		l, _ := db.AuditList(ctx, store.AuditFilter{Target: "reseller:a", Limit: 1})
		if len(l) != 1 || l[0].Before != `{"status":"active"}` || l[0].IP != "10.0.0.1" || l[0].At.IsZero() {
			t.Fatalf("by target: %+v", l)
		}
		if older, _ := db.AuditList(ctx, store.AuditFilter{Target: "reseller:a", Before: l[0].ID}); len(older) != 1 || older[0].Action != "reseller.create" {
			t.Fatalf("paging: %+v", older)
		}

		// Dashboard sums on an empty order table.
		if s, err := db.SalesByDay(ctx, "2026-01-01"); err != nil || len(s) != 0 {
			t.Fatalf("sales: %v %+v", err, s)
		}
		if c, err := db.OrderCountsByProduct(ctx); err != nil || len(c) != 0 {
			t.Fatalf("counts: %v %+v", err, c)
		}
		if n, err := db.BalancesOwed(ctx); err != nil || n != 0 {
			t.Fatalf("owed: %v %d", err, n)
		}
	})
}
