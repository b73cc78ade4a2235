package core

import (
	"context"
	"slices"

	"github.com/kios-h2h/kios/internal/reseller"
)

// newAuthCache keeps resellers already looked up, by token hash ("h" + hash) and by username
// ("u" + username), against the resellers counter, which moves with any change to a reseller or
// an allowlist. A busy server then does one small read a millisecond instead of two reads and an
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
	s.auth.put(r, e.Resellers, "h"+r.TokenHash, "u"+r.Username)
	return r, nil
}
