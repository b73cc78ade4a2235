package core

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/textmsg"
)

// TextLimitsRow reads the text-order limits the operator set for a reseller (0: the default
// row); ErrNotFound when none are set (package textcmd falls back to its defaults).
func (s *Service) TextLimitsRow(ctx context.Context, resellerID int64) (reseller.TextLimits, error) {
	return s.db.TextLimitsRow(ctx, resellerID)
}

// SetTextLimits writes the text-order limits of a reseller (0: the default row); the caller's
// audit row (audit on ctx) commits with it.
func (s *Service) SetTextLimits(ctx context.Context, resellerID int64, l reseller.TextLimits) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.TextLimitsSet(ctx, resellerID, l) })
}

// RemoveTextChannel removes the configured transport of a kind (ErrNotFound when there is none,
// and then the caller's audit row rolls back with the removal that removed nothing).
func (s *Service) RemoveTextChannel(ctx context.Context, kind string) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		gone, err := tx.TextChannelRemove(ctx, kind)
		if err == nil && !gone {
			err = fmt.Errorf("%s channel: %w", kind, ErrNotFound)
		}
		return err
	})
}

// TextChannels lists the configured text transports.
func (s *Service) TextChannels(ctx context.Context) ([]textmsg.Channel, error) {
	return s.db.TextChannels(ctx)
}

// PutTextChannel stores a transport's configuration (JSON), replacing the kind's previous one;
// the caller's audit row (audit on ctx) commits with it.
func (s *Service) PutTextChannel(ctx context.Context, kind, config string) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.TextChannelPut(ctx, kind, config) })
}
