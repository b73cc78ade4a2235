package core

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/store"
)

// RecordCheckFee posts what a check-ID provider charged for one answer: from Kios's deposit at
// the provider (`checkid:NAME`, which runs negative like a supplier's until the operator
// records a top-up) to `checkid_fees`. The operator pays, whoever asked: no reseller's money
// moves (the reseller check-id endpoint is free to call, and bounded by its rate limit), so the
// write runs in no reseller's lock domain — both are shared system accounts, written at the end
// of their batch like a supplier's cost (docs/ARCHITECTURE.md, Lock domains).
func (s *Service) RecordCheckFee(ctx context.Context, provider string, fee int64) error {
	if fee <= 0 || fee > ledger.MaxAmount {
		return fmt.Errorf("check fee %d from %s: %w", fee, provider, &FieldError{Field: "fee", Reason: "must be between 1 and the ledger's maximum"})
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Errorf("check fee txn: %w", err)
	}
	txn := "checkid:" + provider + ":" + s.now().UTC().Format("060102150405") + "-" + hex.EncodeToString(b[:])
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		src, err := tx.SystemAccountEnsure(ctx, ledger.CheckProviderCode(provider), ledger.SupplierDeposit)
		if err != nil {
			return err
		}
		dst, err := tx.SystemAccountEnsure(ctx, ledger.CheckFeesCode, ledger.Fees)
		if err != nil {
			return err
		}
		return tx.Transfer(ctx, txn, src, dst, fee, "ID check by "+provider)
	})
	if err != nil {
		return fmt.Errorf("post check fee from %s: %w", provider, err)
	}
	return nil
}

// CheckFeeRecorder is RecordCheckFee in the shape checkid.Options.OnFee takes: a fee it cannot
// post is logged (the check was answered and paid for; the buyer is not refused for it).
func (s *Service) CheckFeeRecorder() func(ctx context.Context, provider string, fee int64) {
	return func(ctx context.Context, provider string, fee int64) {
		if err := s.RecordCheckFee(ctx, provider, fee); err != nil {
			s.log.Error("check-id fee not posted", "provider", provider, "fee", fee, "err", err)
		}
	}
}
