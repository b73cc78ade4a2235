package cli

import (
	"flag"
	"strings"

	"github.com/kios-h2h/kios/client/otomax"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ", ") }

func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// patternFlags are an otomax supplier's reply patterns as flags: each repeatable, each list
// replacing the default of its kind (client/otomax.DefaultPatternTexts).
type patternFlags struct {
	t otomax.PatternTexts
}

func (p *patternFlags) register(fs *flag.FlagSet) {
	for _, f := range []struct {
		name, usage string
		dst         *[]string
	}{
		{"success-pattern", "regular expression a success reply matches (otomax; repeatable)", &p.t.Success},
		{"failed-pattern", "regular expression a failure reply matches (otomax; repeatable)", &p.t.Failed},
		{"pending-pattern", "regular expression a pending reply matches (otomax; repeatable)", &p.t.Pending},
		{"sn-pattern", "regular expression whose first group is the SN (otomax; repeatable, first match wins)", &p.t.SN},
		{"price-pattern", "regular expression whose first group is the price (otomax; repeatable)", &p.t.Price},
		{"balance-pattern", "regular expression whose first group is the balance (otomax; repeatable)", &p.t.Balance},
		{"ref-pattern", "regular expression whose first group is the reference the reply names (otomax; repeatable)", &p.t.RefID},
		{"customer-pattern", "regular expression a failure the order caused matches: a wrong number… (otomax; repeatable; not counted against the supplier)", &p.t.Customer},
	} {
		fs.Var((*stringList)(f.dst), f.name, f.usage)
	}
}

// json is the patterns given, for the core ("" when none).
func (p *patternFlags) json() string {
	if p.t.Empty() {
		return ""
	}
	return p.t.JSON()
}

// first is the first non-empty value.
func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
