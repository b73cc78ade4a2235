package core

import (
	"context"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/session"
	"github.com/kios-h2h/kios/internal/store"
)

// What the member area (and the admin dashboard's sign-in) read and write about logins,
// sessions and a reseller's own history: the store's, through the core (issue 16 item 2).

// ResellerByUsername finds a reseller by username, read fresh (Reseller may answer from the
// authentication cache); reseller.ErrNotFound when there is none.
func (s *Service) ResellerByUsername(ctx context.Context, username string) (*reseller.Reseller, error) {
	return s.db.ResellerByUsername(ctx, username)
}

// ResellerLoginHash is the bcrypt hash of a reseller's portal password (ErrNotFound when it has
// none).
func (s *Service) ResellerLoginHash(ctx context.Context, resellerID int64) (string, error) {
	return s.db.ResellerLoginHash(ctx, resellerID)
}

// SetResellerLogin sets a reseller's portal password hash and ends its member sessions but the
// one whose id hashes to keep ("" ends them all).
func (s *Service) SetResellerLogin(ctx context.Context, resellerID int64, hash, keep string) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.ResellerLoginSet(ctx, resellerID, hash, keep) })
}

// OpenMemberSession records a member session (by its id's hash) of a reseller until expires.
func (s *Service) OpenMemberSession(ctx context.Context, idHash string, resellerID int64, expires time.Time) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.MemberSessionInsert(ctx, idHash, resellerID, expires) })
}

// MemberSessionReseller is the reseller of a live member session (ErrNotFound when there is
// none, or it expired).
func (s *Service) MemberSessionReseller(ctx context.Context, idHash string) (int64, error) {
	return s.db.MemberSessionReseller(ctx, idHash)
}

// CloseMemberSession ends a member session.
func (s *Service) CloseMemberSession(ctx context.Context, idHash string) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.MemberSessionDelete(ctx, idHash) })
}

// RecordCallbackDelivery keeps what a reseller's callback URL answered (the member area's test
// callback), setting d's id and time.
func (s *Service) RecordCallbackDelivery(ctx context.Context, d *reseller.CallbackDelivery) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.CallbackDeliveryInsert(ctx, d) })
}

// CallbackDeliveries lists a reseller's latest callback deliveries, newest first.
func (s *Service) CallbackDeliveries(ctx context.Context, resellerID int64, limit int) ([]reseller.CallbackDelivery, error) {
	return s.db.CallbackDeliveries(ctx, resellerID, limit)
}

// ResellerOrders lists one reseller's orders, newest first.
func (s *Service) ResellerOrders(ctx context.Context, f order.ResellerFilter) ([]order.Order, error) {
	return s.db.ResellerOrders(ctx, f)
}

// ResellerPostings lists the postings of a reseller's two accounts since a time, newest first,
// up to limit.
func (s *Service) ResellerPostings(ctx context.Context, resellerID int64, since time.Time, limit int) ([]ledger.Posting, error) {
	return s.db.ResellerPostings(ctx, resellerID, since, limit)
}

// ResellerDaySummary counts a reseller's orders since a time and sums what they cost it.
func (s *Service) ResellerDaySummary(ctx context.Context, resellerID int64, since time.Time) (orders, spend int64, err error) {
	return s.db.ResellerDaySummary(ctx, resellerID, since)
}

// ArchiveCut is the cut of the newest archive (kios archive): postings before it are no longer
// listed. Zero when nothing was archived.
func (s *Service) ArchiveCut(ctx context.Context) (time.Time, error) { return s.db.ArchiveCut(ctx) }

// Browser sessions' flash messages and two-factor login (package session), on the service's
// store.

// SetFlash leaves a message for a session's next page.
func (s *Service) SetFlash(ctx context.Context, realm session.Realm, sid, kind, text string) error {
	return session.SetFlash(ctx, s.db, realm, sid, kind, text)
}

// TakeFlash returns a session's message, if any, and clears it.
func (s *Service) TakeFlash(ctx context.Context, realm session.Realm, sid string) (session.Flash, error) {
	return session.TakeFlash(ctx, s.db, realm, sid)
}

// TwoFactorOn reports whether subject has a confirmed second factor.
func (s *Service) TwoFactorOn(ctx context.Context, subject string) (bool, error) {
	return session.TwoFactorOn(ctx, s.db, subject)
}

// BeginTwoFactor starts (or restarts) the setup of subject's second factor (session.BeginTwoFactor).
func (s *Service) BeginTwoFactor(ctx context.Context, subject, issuer, account string) (string, string, error) {
	return session.BeginTwoFactor(ctx, s.db, subject, issuer, account)
}

// PendingSecret is subject's second-factor secret awaiting confirmation ("" when none).
func (s *Service) PendingSecret(ctx context.Context, subject string) (string, error) {
	return session.PendingSecret(ctx, s.db, subject)
}

// ConfirmTwoFactor turns subject's second factor on with a first code, returning its recovery
// codes (session.ConfirmTwoFactor).
func (s *Service) ConfirmTwoFactor(ctx context.Context, subject, code string) ([]string, error) {
	return session.ConfirmTwoFactor(ctx, s.db, subject, code, s.now())
}

// DisableTwoFactor turns subject's second factor off.
func (s *Service) DisableTwoFactor(ctx context.Context, subject string) error {
	return session.DisableTwoFactor(ctx, s.db, subject)
}

// RecoveryCodesLeft counts subject's unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, subject string) (int, error) {
	return session.RecoveryCodesLeft(ctx, s.db, subject)
}

// CheckSecondFactor checks a login's second factor (session.CheckSecondFactor).
func (s *Service) CheckSecondFactor(ctx context.Context, subject, code string) error {
	return session.CheckSecondFactor(ctx, s.db, subject, code, s.now())
}
