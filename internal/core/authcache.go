package core

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

// newAuthCache keeps resellers already looked up, by token hash ("h" + hash) and by username
// ("u" + username), against the resellers counter, which moves with any change to a reseller or
// an allowlist. A busy server then does one small read every few milliseconds instead of two reads and an
// allowlist parse per request, and a suspension or token rotation made here still applies to the
// next request, one made elsewhere within epochMaxAge.
func newAuthCache() epochCache[*reseller.Reseller] {
	return epochCache[*reseller.Reseller]{clone: func(r *reseller.Reseller) *reseller.Reseller {
		c := *r
		c.AllowIPs = slices.Clone(r.AllowIPs)
		return &c
	}}
}

// cachedReseller looks a reseller up through the cache: byHash selects a token-hash lookup,
// otherwise key is a username.
func (s *Service) cachedReseller(ctx context.Context, byHash bool, key string) (*reseller.Reseller, error) {
	e, err := s.db.EpochsWithin(ctx, epochMaxAge)
	if err != nil {
		return nil, err
	}
	ck := "u" + key
	if byHash {
		ck = "h" + key
	}
	if r, ok := s.auth.get(ck, e.Resellers); ok {
		return r, nil
	}
	var r *reseller.Reseller
	if byHash {
		r, err = s.db.ResellerByTokenHash(ctx, key)
	} else {
		r, err = s.db.ResellerByUsername(ctx, key)
	}
	if err != nil {
		return nil, err
	}
	s.auth.put(r, e.Resellers, "h"+r.TokenHash, "u"+r.Username, idKey(r.ID))
	return r, nil
}

// idKey is a reseller's key by id in the auth cache.
func idKey(id int64) string { return "i" + strconv.FormatInt(id, 10) }

// resellerByID looks a reseller up by id through the cache, like cachedReseller: the settlement
// reads its callback URL, which then costs no statement while nothing about resellers changed.
func (s *Service) resellerByID(ctx context.Context, id int64) (*reseller.Reseller, error) {
	e, err := s.db.EpochsWithin(ctx, epochMaxAge)
	if err != nil {
		return nil, err
	}
	if r, ok := s.auth.get(idKey(id), e.Resellers); ok {
		return r, nil
	}
	r, err := s.db.ResellerByID(ctx, id)
	if err != nil {
		return nil, err
	}
	s.auth.put(r, e.Resellers, "h"+r.TokenHash, "u"+r.Username, idKey(r.ID))
	return r, nil
}

// uplineOf is the id of a reseller's upline in the downline tree (0: it has none), through a
// cache against the resellers counter, which triggers move with any change to the tree (migration
// 00240): acceptance then reads the tree only for resellers that are in one, and the settlement
// reads an order's commissions only when its reseller has an upline. A reseller's upline is set
// when it is created and never removed, so one without an upline now had none when any of its
// orders was accepted, and none of them carries commissions.
func (s *Service) uplineOf(ctx context.Context, id int64) (int64, error) {
	e, err := s.db.EpochsWithin(ctx, epochMaxAge)
	if err != nil {
		return 0, err
	}
	key := strconv.FormatInt(id, 10)
	if up, ok := s.uplines.get(key, e.Resellers); ok {
		return up, nil
	}
	d, err := s.db.DownlineOf(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		d.UplineID = 0
	case err != nil:
		return 0, err
	}
	s.uplines.put(d.UplineID, e.Resellers, key)
	return d.UplineID, nil
}
