package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"strings"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
)

// prefixes is a repeatable flag of CIDRs (or bare addresses).
type prefixes []netip.Prefix

func (p prefixes) String() string {
	s := make([]string, len(p))
	for i, x := range p {
		s[i] = x.String()
	}
	return strings.Join(s, ",")
}

func (p *prefixes) Set(v string) error {
	x, err := reseller.ParsePrefix(v)
	if err != nil {
		return err
	}
	*p = append(*p, x)
	return nil
}

// named says which reseller was not found; the core's error does not.
func named(err error, username string) error {
	if errors.Is(err, reseller.ErrNotFound) {
		return fmt.Errorf("%q: %w", username, err)
	}
	return err
}

// resellerID is the id of the reseller a --reseller filter names; 0 (no filter) for "".
func resellerID(ctx context.Context, svc *core.Service, username string) (int64, error) {
	if username == "" {
		return 0, nil
	}
	r, err := svc.Reseller(ctx, username)
	if err != nil {
		return 0, named(err, username)
	}
	return r.ID, nil
}

// set reports whether the command line gave flag name (as opposed to its default).
func set(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
