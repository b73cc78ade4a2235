package core

import (
	"context"

	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

// OtomaxMember reads a reseller's Otomax "via IP" credentials (ErrNotFound: the reseller has no
// Otomax access).
func (s *Service) OtomaxMember(ctx context.Context, resellerID int64) (*reseller.OtomaxMember, error) {
	return s.db.OtomaxMember(ctx, resellerID)
}

// SetOtomaxMember sets a reseller's Otomax PIN and plain setting, in the reseller's lock domain;
// the caller's audit row (audit on ctx) commits with it.
func (s *Service) SetOtomaxMember(ctx context.Context, m reseller.OtomaxMember) error {
	return s.inReseller(ctx, m.ResellerID, func(tx *store.Tx) error { return tx.OtomaxMemberPut(ctx, m) })
}

// RemoveOtomaxMember takes a reseller's Otomax access away; it reports whether there was any.
func (s *Service) RemoveOtomaxMember(ctx context.Context, resellerID int64) (bool, error) {
	var had bool
	err := s.inReseller(ctx, resellerID, func(tx *store.Tx) error {
		var err error
		had, err = tx.OtomaxMemberRemove(ctx, resellerID)
		return err
	})
	return had, err
}
