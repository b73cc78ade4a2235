package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// A change made under WithAudit commits with its audit row, or neither commits.
func TestWithAuditSameTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := store.WithAudit(context.Background(), store.AuditEntry{Actor: "cli:ops@box", Action: "admin.create", Target: "admin:x"})
		boom := errors.New("boom")
		err := db.Batch(ctx, func(tx *store.Tx) error {
			if err := tx.AdminUserInsert(ctx, &store.AdminUser{Username: "x", PasswordHash: "h"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || store.AuditWritten(ctx) {
			t.Fatalf("failed batch: %v written=%v", err, store.AuditWritten(ctx))
		}
		if list, _ := db.AuditList(context.Background(), store.AuditFilter{Actor: "cli:ops@box"}); len(list) != 0 {
			t.Fatalf("audit row of a rolled-back change: %+v", list)
		}
		err = db.Batch(ctx, func(tx *store.Tx) error {
			return tx.AdminUserInsert(ctx, &store.AdminUser{Username: "x", PasswordHash: "h"})
		})
		if err != nil || !store.AuditWritten(ctx) {
			t.Fatalf("batch: %v", err)
		}
		// A second batch under the same context writes no second row.
		if err := db.Batch(ctx, func(tx *store.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		list, err := db.AuditList(context.Background(), store.AuditFilter{Actor: "cli:ops@box"})
		if err != nil || len(list) != 1 || list[0].Action != "admin.create" || list[0].Target != "admin:x" {
			t.Fatalf("audit: %v %+v", err, list)
		}
	})
}
